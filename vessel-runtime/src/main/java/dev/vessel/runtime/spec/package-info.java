/**
 * The OCI runtime spec at Vessel's boundary (STYLE.md #1): the one place where config.json,
 * the state document and the features document are read or written.
 *
 * <ol>
 *   <li>{@link dev.vessel.runtime.spec.SpecParser} reads bytes into the records ({@link
 *       dev.vessel.runtime.spec.Spec} and below) as strictly as runc's Go decoder and turns every
 *       failure into one line: {@code config.json: process.user.uid: expected an unsigned integer
 *       (0 to 4294967295), got "abc"}.</li>
 *   <li>{@link dev.vessel.runtime.spec.SpecValidator} checks what the types cannot say (required
 *       fields, names from fixed tables, namespaces a field depends on, id mappings, limits) and
 *       reports each problem as {@code <json path> <value> <what is wrong>; <what to do>}.</li>
 *   <li>Only then does the runtime convert the records into its launch plan; nothing below this
 *       package reads JSON.</li>
 * </ol>
 *
 * <p>Numbers the spec declares unsigned are {@code long} (uint32) or the bits of a {@code long}
 * (uint64, see {@code Unsigned}); numbers whose absence means "leave alone" are boxed.
 */
package dev.vessel.runtime.spec;
