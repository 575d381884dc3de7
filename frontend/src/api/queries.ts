/**
 * Generated TanStack Query keys and options, one pair per operation (`xxxOptions()`,
 * `xxxQueryKey()`), from the hey-api `@tanstack/vue-query` plugin. New code uses these instead of
 * hand-written keys; a key is `[{ _id: '<operationId>', path, query, … }]`, so
 * `invalidateQueries({ queryKey: [{ _id: 'membersListMembers' }] })` matches every page of a list.
 */
export * from './generated/@tanstack/vue-query.gen'
