// Placeholder until the session engine lands (owned by the session-engine work).
export {};
