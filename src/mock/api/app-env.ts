/**
 * What the mock's handlers leave on a request's context for the request log in app.ts: the job
 * an accepted render request made, and the chaos fault that answered it instead.
 */
export interface AppEnv {
  Variables: {
    jobUuid?: string;
    fault?: string;
  };
}
