package dev.vessel.runtime.seccomp;

import java.util.List;

/** One rule for one syscall: the SECCOMP_RET_* value when all conditions hold (none: always). */
record SyscallRule(int action, List<ArgComparison> conditions) {}
