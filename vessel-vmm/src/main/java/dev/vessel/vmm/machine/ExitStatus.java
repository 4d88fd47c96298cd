package dev.vessel.vmm.machine;

/** How a machine's run ended. {@code code} is the guest's status for a power-off. */
public record ExitStatus(Kind kind, int code, String message) {

    public enum Kind { POWER_OFF, REBOOT, ERROR, STOPPED, TIMEOUT }

    public static ExitStatus powerOff(int code) {
        return new ExitStatus(Kind.POWER_OFF, code, "guest powered off with status " + code);
    }

    public static ExitStatus reboot() {
        return new ExitStatus(Kind.REBOOT, 0, "guest requested a reboot");
    }

    public static ExitStatus error(String message) {
        return new ExitStatus(Kind.ERROR, 1, message);
    }
}
