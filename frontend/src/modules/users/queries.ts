/** The accounts list's generated query options, and the key prefix its changes make stale. */
export { usersListUsersOptions } from '@/api/queries'

/** Every page and filter of the accounts list (generated keys are `[{ _id, query, … }]`). */
export const USERS_LIST = [{ _id: 'usersListUsers' }] as const
