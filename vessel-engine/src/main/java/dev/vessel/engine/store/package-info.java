/**
 * The engine's embedded state store (DESIGN.md "The engine"): containers and the event log in
 * one SQLite file, written in transactions, durable across kill -9. {@link dev.vessel.engine.store.Store}
 * is the whole API; the tables' SQL lives in package-private classes beside it and the schema's
 * history in the numbered scripts under resources/dev/vessel/engine/store.
 */
package dev.vessel.engine.store;
