// What both client scripts share: read the run's settings from the environment, record each step's outcome, and
// print one JSON summary on stdout. Nothing here ever prints a credential: the token is read from the environment
// and only statuses, counts, index names and error types are recorded.

/** A required setting from the environment. */
export function setting(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

/** An optional setting from the environment, or undefined. */
export function optionalSetting(name) {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Runs the steps one after the other; a failing step is recorded and the next one still runs. */
export class Steps {
  constructor() {
    this.summary = {};
  }

  async run(name, action) {
    try {
      this.summary[name] = { ok: true, ...(await action()) };
    } catch (error) {
      this.summary[name] = { ok: false, error: describeError(error) };
    }
  }

  print() {
    process.stdout.write(JSON.stringify(this.summary) + '\n');
  }
}

/** Index names of the hits of a search answer, without duplicates, sorted. */
export function hitIndices(searchBody) {
  return [...new Set((searchBody?.hits?.hits ?? []).map((hit) => hit._index))].sort();
}

/** The hit total of a search answer, whichever form the server gave it in. */
export function hitTotal(searchBody) {
  const total = searchBody?.hits?.total;
  return typeof total === 'number' ? total : total?.value;
}

/**
 * What a test may know of an error: the client's error class, the HTTP status, the server's error type, and the
 * error body as text (so the test can check no foreign document is in it). The request that failed, which holds the
 * Authorization header, is never described.
 */
export function describeError(error) {
  const meta = error?.meta;
  const body = error?.body ?? meta?.body;
  return {
    name: error?.name ?? typeof error,
    statusCode: meta?.statusCode ?? error?.statusCode,
    type: body?.error?.type,
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 2000),
    message: typeof error?.message === 'string' ? error.message.slice(0, 500) : undefined,
  };
}
