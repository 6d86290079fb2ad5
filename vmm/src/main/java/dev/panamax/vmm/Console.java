package dev.panamax.vmm;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/** Where the guest's serial console goes ({@code output}) and what is typed into it ({@code input}). */
public record Console(Optional<InputStream> input, OutputStream output) {
    public Console {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    /** Output only: the guest reads nothing from its console. */
    public static Console outputOnly(OutputStream output) {
        return new Console(Optional.empty(), output);
    }
}
