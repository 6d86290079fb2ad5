/**
 * Reads Firecracker-style JSON config files ({@link dev.panamax.launcher.config.ConfigFile}) and
 * the launcher's quick flags ({@link dev.panamax.launcher.config.QuickFlags}) into one config model
 * (records with Firecracker's key names, from {@link dev.panamax.launcher.config.FirecrackerConfig}
 * down, which the REST API shares through {@link dev.panamax.launcher.config.PreBootConfig}) and
 * from it into a {@link dev.panamax.vmm.VmConfig}, through one path, so all of them refuse bad
 * input with the same one-line
 * {@link dev.panamax.launcher.config.ConfigException} naming the key or file.
 */
package dev.panamax.launcher.config;
