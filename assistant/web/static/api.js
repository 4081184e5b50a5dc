// Talking to the cityqa API: the official's key as X-API-Key (anonymous without one), JSON
// requests, and the answer stream. The stream is a POST, so it is read with fetch() and a
// ReadableStream: EventSource can only GET.

const KEY_STORAGE_KEY = "cityqa.apiKey";

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE_KEY) || "";
}

export function storeApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE_KEY, key);
  else localStorage.removeItem(KEY_STORAGE_KEY);
}

function headers(key, accept) {
  const result = { accept };
  if (key) result["x-api-key"] = key;
  return result;
}

/** What the page shows of a failure: the API's error body when there is one, else a plain reason. */
export class ApiError extends Error {
  constructor({ status = 0, errorCode = "network", detail = "", requestId = null } = {}) {
    super(detail || errorCode);
    this.status = status;
    this.errorCode = errorCode;
    this.detail = detail;
    this.requestId = requestId;
  }

  toJSON() {
    return { status: this.status, errorCode: this.errorCode, detail: this.detail, requestId: this.requestId };
  }
}

async function errorFromResponse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // not JSON (a proxy's page, say): only the status is known
  }
  return new ApiError({
    status: response.status,
    errorCode: body?.error_code || "http",
    detail: typeof body?.detail === "string" ? body.detail : "",
    requestId: body?.request_id || response.headers.get("x-request-id"),
  });
}

/** A JSON request; resolves with the parsed body, rejects with an ApiError. */
export async function requestJson(method, path, body, key = apiKey()) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...headers(key, "application/json"), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store", // what a user may see depends on the key: never reuse another key's answer
    });
  } catch {
    throw new ApiError({ errorCode: "network" });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/** Split a server-sent event stream into {event, data} messages (data parsed as JSON). */
async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue; // a comment: keeps proxies from closing an idle stream
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

/**
 * Ask a question over `/api/chat/stream`; `onEvent(type, data)` sees every event as it arrives.
 * Resolves with the final answer (`done`); rejects with an ApiError for an error (before the stream or
 * as its `error` event), or with `errorCode: "dropped"` when the stream ends without either.
 */
export async function streamAnswer(question, conversationId, onEvent, signal) {
  const body = { question };
  if (conversationId) body.conversation_id = conversationId;
  let response;
  try {
    response = await fetch("/api/chat/stream", {
      method: "POST",
      headers: { ...headers(apiKey(), "text/event-stream"), "content-type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      signal,
    });
  } catch {
    throw new ApiError({ errorCode: "dropped" });
  }
  if (!response.ok) throw await errorFromResponse(response);
  try {
    for await (const { event, data } of readEvents(response.body)) {
      if (event === "error") {
        throw new ApiError({
          status: 200,
          errorCode: data.error_code || "internal",
          detail: data.detail || "",
          requestId: data.request_id || response.headers.get("x-request-id"),
        });
      }
      onEvent(event, data);
      if (event === "done") return data.answer;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The connection broke mid-stream (or sent something unreadable): the answer is incomplete.
  }
  throw new ApiError({ errorCode: "dropped", requestId: response.headers.get("x-request-id") });
}
