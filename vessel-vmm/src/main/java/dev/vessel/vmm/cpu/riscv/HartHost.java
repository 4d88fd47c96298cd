package dev.vessel.vmm.cpu.riscv;

/** What a hart needs from the machine around it. */
public interface HartHost {

    /**
     * An {@code ecall} from S-mode when there is no M-mode firmware: the SBI implemented by the
     * machine. Returns false when the call is not for the machine (the trap then goes to M-mode).
     */
    boolean supervisorCall(Hart hart);

    /** True when no M-mode code runs, so a trap that would enter M-mode is a guest bug. */
    boolean firmwareless();

    /** The guest cannot continue (or the emulator hit a bug); the machine stops with an error. */
    void fatal(Hart hart, String message, Throwable cause);
}
