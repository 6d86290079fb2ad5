package dev.panamax.vcpu;

/** Why a VM stopped running. */
public sealed interface StopReason {
    /** A short sentence for the console and logs. */
    String describe();

    /** The guest asked for a reset (i8042 pulse, a reset system event, or a triple fault with reboot=t). */
    record Reset(String how) implements StopReason {
        public String describe() {
            return "guest reset (" + how + ")";
        }
    }

    /** The guest powered itself off. */
    record Shutdown(String how) implements StopReason {
        public String describe() {
            return "guest shut down (" + how + ")";
        }
    }

    /** The host asked the VM to stop. */
    record Stopped() implements StopReason {
        public String describe() {
            return "stopped by the host";
        }
    }

    /** Something went wrong that the VM cannot continue from. */
    record Failure(String message) implements StopReason {
        public String describe() {
            return "failed: " + message;
        }
    }
}
