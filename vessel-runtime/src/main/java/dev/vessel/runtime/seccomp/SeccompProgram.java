package dev.vessel.runtime.seccomp;

import java.util.List;

/**
 * A compiled {@code linux.seccomp}: the classic BPF program (little-endian {@code struct
 * sock_filter} array, what {@code Op.Seccomp} loads), the SECCOMP_FILTER_FLAG_* bits, the
 * syscall names no table knew (skipped, as runc does), and whether a rule returns
 * SECCOMP_RET_USER_NOTIF (then the flags ask for a listener, which is handed to {@code listenerPath}).
 */
public record SeccompProgram(byte[] bpf, int flags, List<String> unknownSyscalls, boolean notifies) {

    public int instructions() {
        return bpf.length / Bpf.INSN_SIZE;
    }
}
