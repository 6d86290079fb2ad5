/**
 * Firecracker's REST API, served by {@code panamax --api-sock PATH} over HTTP/1.1 on a Unix
 * domain socket: {@link dev.panamax.launcher.api.ApiServer} (Jetty) answers the requests,
 * {@link dev.panamax.launcher.api.VmController} holds what they configure (the launcher's one config
 * model, {@link dev.panamax.config.PreBootConfig}) and the VM once started, which it drives
 * through {@link dev.panamax.launcher.api.VmLifecycle}, so that the tests drive a fake and the
 * launcher a real {@link dev.panamax.vmm.MicroVm}.
 */
package dev.panamax.launcher.api;
