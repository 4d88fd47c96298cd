/**
 * {@code linux.seccomp} to the classic BPF program {@code vessel-init} loads ({@code Op.Seccomp}),
 * with runc's semantics (runc builds its filters with libseccomp; {@code LibseccompCrossCheckTest}
 * holds this package to libseccomp's output).
 *
 * <ol>
 *   <li>{@link dev.vessel.runtime.seccomp.SeccompCompiler} resolves names through the syscall
 *       tables ({@code src/main/resources/seccomp/syscalls-*.txt}, generated from the kernel's
 *       UAPI headers), validates actions, operators, indexes and flags (errors name the rule),
 *       and groups the rules by ABI and syscall number.</li>
 *   <li>{@code FilterEmitter} lays the program out: ABI dispatch on {@code seccomp_data.arch}
 *       (x32 by {@code __X32_SYSCALL_BIT}), ENOSYS for syscalls newer than the profile, a binary
 *       search on the number, then each syscall's rules; {@code ArgComparison} compares 64-bit
 *       arguments a 32-bit word at a time.</li>
 *   <li>{@code BpfAssembler} resolves labels; conditional jumps are 8-bit, so far targets go
 *       through a {@code JA} placed after the jump.</li>
 * </ol>
 *
 * <p>{@link dev.vessel.runtime.seccomp.SeccompProfiles} is for containers Vessel itself creates
 * ({@code vessel run}): the default profile (Docker's semantics) and Docker-format profile files,
 * resolved for one container's capabilities into a {@code linux.seccomp}.
 *
 * <p>Where the filter is loaded: {@code launch.ProcessPlan.identity}, after no_new_privs, or
 * before the capability drop when no_new_privs is off (loading then needs CAP_SYS_ADMIN), as
 * runc does. With SCMP_ACT_NOTIFY the filter is loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER and
 * the runtime hands the listener to {@code listenerPath} ({@code container.SeccompAgent}).
 */
package dev.vessel.runtime.seccomp;
