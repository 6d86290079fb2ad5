/**
 * Reads Firecracker-style JSON config files ({@link dev.panamax.config.ConfigFile}) and
 * the launcher's quick flags ({@link dev.panamax.config.QuickFlags}) into one config model
 * (records with Firecracker's key names, from {@link dev.panamax.config.FirecrackerConfig}
 * down, which the REST API shares through {@link dev.panamax.config.PreBootConfig}) and
 * from it into a {@link dev.panamax.vmm.VmConfig}, through one path, so all of them refuse bad
 * input with the same one-line
 * {@link dev.panamax.config.ConfigException} naming the key or file. A module of its own so that
 * the launcher (config file, flags, API) and the JUnit extension ({@code @MicroVmTest(configFile)})
 * read one model; it knows no logging backend ({@link dev.panamax.config.LogTarget}).
 */
package dev.panamax.config;
