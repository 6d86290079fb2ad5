package dev.panamax.it;

import dev.panamax.vcpu.VcpuSnapshot;
import dev.panamax.vmm.MicroVm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A test guest that never got where the test waited for it, with where its vCPUs were (kernel
 * symbols from the guest build's System.map). Inside the nested host such a boot is tried once
 * more: everything there is emulated twice over (TCG running SVM running the guest), and guests
 * were seen there hanging silently in early boot about once in 40 boots. The report says where.
 */
final class BootHang extends AssertionError {
    private BootHang(String message, Throwable cause) {
        super(message, cause);
    }

    /** A boot of a test guest: returns what the test needs, throws {@link BootHang} when the guest hangs. */
    interface Boot<T> {
        T run() throws Exception;
    }

    /** Runs {@code boot}; inside the nested host once more when it hangs, reporting the first hang in the log. */
    static <T> T retriedOnceInNestedHost(Boot<T> boot) throws Exception {
        try {
            return boot.run();
        } catch (BootHang e) {
            if (!TestHost.insideNestedHost()) {
                throw e;
            }
            System.out.println("[guest] BOOT HANG inside the nested host, booting once more: " + e.getMessage());
            return boot.run();
        }
    }

    /** Stops and closes {@code vm}, and describes the hang: {@code what} the test waited for and the vCPUs. */
    static BootHang of(MicroVm vm, String what, Throwable cause) throws InterruptedException {
        String where = where(vm);
        vm.close();
        return new BootHang(what + "; " + where, cause);
    }

    /** Stops {@code vm}'s vCPUs (the VM stays open) and says where each was, and the serial re-raises. */
    static String where(MicroVm vm) throws InterruptedException {
        List<VcpuSnapshot> vcpus = vm.stopAndSnapshot();
        TreeMap<Long, String> symbols = kernelSymbols();
        return vcpus.stream().map(v -> v.describe() + symbolOf(symbols, v.rip())).collect(Collectors.joining("; "))
                + "; serial interrupts raised again: " + vm.serialInterruptsReraised();
    }

    private static String symbolOf(TreeMap<Long, String> symbols, long rip) {
        Map.Entry<Long, String> e = symbols.floorEntry(rip);
        return e == null ? "" : " (" + e.getValue() + "+0x" + Long.toHexString(rip - e.getKey()) + ")";
    }

    /** The guest kernel's System.map, address to name; empty when the build tree is gone. */
    private static TreeMap<Long, String> kernelSymbols() {
        TreeMap<Long, String> symbols = new TreeMap<>(Long::compareUnsigned);
        Path src = TestHost.repo().resolve("build/guest-src");
        try (Stream<Path> maps = Files.isDirectory(src) ? Files.find(src, 2,
                (p, a) -> p.getFileName().toString().equals("System.map")) : Stream.empty()) {
            for (Path map : maps.toList()) {
                for (String line : Files.readAllLines(map)) {
                    String[] f = line.split(" ");
                    if (f.length == 3 && (f[1].equalsIgnoreCase("t") || f[1].equalsIgnoreCase("w"))) {
                        symbols.put(Long.parseUnsignedLong(f[0], 16), f[2]);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            symbols.clear(); // a description without symbols is still useful
        }
        return symbols;
    }
}
