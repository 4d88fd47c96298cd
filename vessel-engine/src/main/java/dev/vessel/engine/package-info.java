/**
 * The engine (DESIGN.md "The engine"): the resident daemon that owns every workload's record,
 * its state store, supervision (restart, health), events, metrics and the API that the CLI and
 * other clients use.
 */
package dev.vessel.engine;
