/** RFC 9457 problem details as the backend sends them, wrapped in an Error the SPA can throw. */
export interface FieldProblem {
  field: string
  message: string
  code?: string
}

export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: FieldProblem[] | null
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly title: string
  readonly fieldErrors: FieldProblem[]

  constructor(status: number, body: ProblemBody | string | null | undefined) {
    const problem: ProblemBody = typeof body === 'object' && body !== null ? body : {}
    const detail = problem.detail ?? (typeof body === 'string' && body.length < 300 ? body : '')
    super(detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = problem.code ?? (status === 0 ? 'network_error' : `http_${status}`)
    this.detail = detail
    this.title = problem.title ?? ''
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : []
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}
