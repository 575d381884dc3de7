/** The one entry point for API calls: the generated SDK, its types, and the error class. */
export * from './generated/sdk.gen'
export type * from './generated/types.gen'
export { ApiError, isApiError } from './errors'
