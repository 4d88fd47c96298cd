package dev.vessel.linux;

import java.util.Locale;

/**
 * Signal names and numbers as {@code kill -l} prints them on Linux (x86_64/arm64 numbering).
 * Real-time signals use glibc's SIGRTMIN (34, two below the kernel's are taken by NPTL).
 */
public final class Signals {

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10,
            SIGUSR2 = 12, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
            SIGWINCH = 28;
    public static final int SIGRTMIN = 34, SIGRTMAX = 64;

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    private Signals() {}

    /** "SIGTERM" for 15, "SIGRTMIN+2" for 36; "SIG" + number for anything else. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return NAMES[signal];
        }
        if (signal == SIGRTMIN) {
            return "SIGRTMIN";
        }
        if (signal == SIGRTMAX) {
            return "SIGRTMAX";
        }
        if (signal > SIGRTMIN && signal < SIGRTMAX) {
            return "SIGRTMIN+" + (signal - SIGRTMIN);
        }
        return "SIG" + signal;
    }

    /**
     * Parses "SIGKILL", "KILL", "kill" or "9" (and SIGRTMIN+n, RTMAX-n, SIGIOT, SIGPOLL, SIGCLD).
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static int parse(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            int n = v.length() > 3 ? -1 : Integer.parseInt(v);
            if (n >= 1 && n <= SIGRTMAX) {
                return n;
            }
            throw new IllegalArgumentException("signal " + value + " is out of range: use 1-" + SIGRTMAX);
        }
        String n = v.startsWith("SIG") ? v.substring(3) : v;
        switch (n) {
            case "IOT": return 6;
            case "POLL": return 29;
            case "CLD": return SIGCHLD;
            default: break;
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].substring(3).equals(n)) {
                return i;
            }
        }
        int rt = realtime(n);
        if (rt > 0) {
            return rt;
        }
        throw new IllegalArgumentException("unknown signal \"" + value
                + "\": use a name such as SIGTERM or TERM, or a number 1-" + SIGRTMAX);
    }

    private static int realtime(String n) {
        try {
            int s;
            if (n.equals("RTMIN")) {
                s = SIGRTMIN;
            } else if (n.equals("RTMAX")) {
                s = SIGRTMAX;
            } else if (n.startsWith("RTMIN+")) {
                s = SIGRTMIN + Integer.parseInt(n.substring(6));
            } else if (n.startsWith("RTMAX-")) {
                s = SIGRTMAX - Integer.parseInt(n.substring(6));
            } else {
                return -1;
            }
            return s >= SIGRTMIN && s <= SIGRTMAX ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
