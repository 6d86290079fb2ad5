package dev.panamax.launcher.api;

import dev.panamax.kvm.KvmUnavailableException;
import dev.panamax.kvm.sys.SyscallException;
import dev.panamax.config.ConfigException;
import dev.panamax.memory.MappingException;
import dev.panamax.vmm.DeviceException;
import dev.panamax.vmm.boot.BootException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Which request does what, apart from HTTP: Firecracker's routes, its refusals of a body on
 * {@code GET} and of none on {@code PUT} and {@code PATCH}, its resource id rules, and its answer to
 * anything else ({@code Invalid request method and/or path: METHOD PATH.}, with the whole path
 * where Firecracker gives only its first part). Every refusal is a 400 with a one-line
 * {@code fault_message}; only a bug in Panamax is a 500.
 */
final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    /** Firecracker's endpoints that Panamax does not implement yet (see {@link #pendingName}). */
    private static final Set<String> NOT_YET = Set.of(
            "/balloon", "/balloon/statistics", "/mmds", "/mmds/config", "/cpu-config", "/serial",
            "/hotplug/memory", "/pmem/{id}");
    /** Paths that end in a resource id. */
    private static final List<String> COLLECTIONS = List.of("/drives/", "/network-interfaces/", "/pmem/");
    private static final Set<String> METHODS = Set.of("GET", "PUT", "PATCH");

    private final VmController vm;

    ApiRoutes(VmController vm) {
        this.vm = vm;
    }

    /** Carries out {@code method path} with {@code body} (empty for none) and says what to answer. */
    Answer answer(String method, String path, byte[] body) {
        Answer answer = answerUncounted(method, path, body);
        vm.countRequest(method, path, answer.status());
        return answer;
    }

    private Answer answerUncounted(String method, String path, byte[] body) {
        try {
            return route(method, path, body);
        } catch (ConfigException | VmActionException | BootException | DeviceException | KvmUnavailableException
                 | SyscallException | MappingException e) {
            return Answer.fault(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            return Answer.fault(Answer.INTERNAL_ERROR, "internal error: " + e);
        }
    }

    private Answer route(String method, String path, byte[] body) {
        if (method.equals("GET") && body.length > 0) {
            return Answer.fault("GET request cannot have a body.");
        }
        if ((method.equals("PUT") || method.equals("PATCH")) && body.length == 0) {
            return Answer.fault("Empty " + method + " request.");
        }
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String template = trimmed;
        String id = null;
        for (String collection : COLLECTIONS) {
            if (trimmed.startsWith(collection) && trimmed.indexOf('/', collection.length()) < 0) {
                id = trimmed.substring(collection.length());
                template = collection + "{id}";
            }
        }
        if (NOT_YET.contains(template) && METHODS.contains(method)) {
            return Answer.fault(pendingName(template) + ": not supported yet");
        }
        String resourceId = id;
        return switch (method + " " + template) {
            case "GET /" -> Answer.ok(vm.instanceInfo());
            case "GET /version" -> Answer.ok(vm.version());
            case "GET /vm/config" -> Answer.ok(vm.vmConfig());
            case "GET /machine-config" -> Answer.ok(vm.machineConfig());
            case "PUT /boot-source" -> done(() -> vm.putBootSource(body));
            case "PUT /machine-config" -> done(() -> vm.putMachineConfig(body));
            case "PATCH /machine-config" -> done(() -> vm.patchMachineConfig(body));
            case "PUT /drives/{id}" -> done(() -> vm.putDrive(checkedId(resourceId), body));
            case "PATCH /drives/{id}" -> done(() -> vm.patchDrive(checkedId(resourceId), body));
            case "PUT /entropy" -> done(() -> vm.putEntropy(body));
            case "PUT /network-interfaces/{id}" -> done(() -> vm.putNetworkInterface(checkedId(resourceId), body));
            case "PATCH /network-interfaces/{id}" -> done(() -> vm.patchNetworkInterface(checkedId(resourceId)));
            case "PUT /vsock" -> done(() -> vm.putVsock(body));
            case "PUT /logger" -> done(() -> vm.putLogger(body));
            case "PUT /metrics" -> done(() -> vm.putMetrics(body));
            case "PUT /actions" -> done(() -> vm.action(body));
            case "PATCH /vm" -> done(() -> vm.patchVm(body));
            case "PUT /snapshot/create" -> done(() -> vm.createSnapshot(body));
            case "PUT /snapshot/load" -> done(() -> vm.loadSnapshot(body));
            default -> Answer.fault("Invalid request method and/or path: " + method + " " + path + ".");
        };
    }

    /**
     * How the refusal of a pending endpoint names it: by the config file's key where it has one
     * ({@code mmds-config} for {@code /mmds/config}), else by its first path segment, which is the
     * key for the others ({@code network-interfaces}, {@code vsock}, ...), so that the refusal
     * reads as the config file's does.
     */
    private static String pendingName(String template) {
        return template.equals("/mmds/config") ? "mmds-config" : template.substring(1).split("/")[0];
    }

    private static Answer done(Runnable request) {
        request.run();
        return Answer.noContent();
    }

    /** Firecracker's rule for the ids in paths: not empty, only letters, digits and {@code _}. */
    private static String checkedId(String id) {
        if (id.isEmpty()) {
            throw new VmActionException("The ID cannot be empty.");
        }
        if (!id.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c))) {
            throw new VmActionException("API Resource IDs can only contain alphanumeric characters and underscores.");
        }
        return id;
    }
}
