// The conversation, kept in sessionStorage so a reload (or a tab restored) shows it again; a new tab
// starts fresh. It is tied to the key it was held under: answers given to one key are not shown to
// the next (the server would not continue that conversation for another user either).

const STORAGE_KEY = "cityqa.conversation";
const VERSION = 1;

/** A short non-secret fingerprint of the key (FNV-1a), to notice a key change; never the key itself. */
export function keyTag(key) {
  let hash = 0x811c9dc5;
  for (const char of key || "") {
    hash ^= char.codePointAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return key ? hash.toString(16) : "anonymous";
}

export function emptyConversation(key) {
  return { version: VERSION, keyTag: keyTag(key), conversationId: null, turns: [], nextTurn: 1 };
}

/** The stored conversation for this key, or an empty one. */
export function loadConversation(key) {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
    if (stored?.version === VERSION && stored.keyTag === keyTag(key) && Array.isArray(stored.turns)) return stored;
  } catch {
    // unreadable: start again
  }
  return emptyConversation(key);
}

export function saveConversation(conversation) {
  // A turn still streaming is stored as "pending": after a reload it offers a retry.
  const turns = conversation.turns.map((turn) =>
    turn.state === "streaming" ? { ...turn, state: "pending" } : turn,
  );
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ...conversation, turns }));
  } catch {
    // storage full or disabled: the page still works, only a reload forgets
  }
}

export function forgetConversation() {
  sessionStorage.removeItem(STORAGE_KEY);
}
