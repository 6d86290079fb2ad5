/**
 * Test fixtures shared by every module's tests (published as kvm-bindings' test jar): the tags
 * that say what a test needs of KVM ({@link dev.panamax.kvm.testing.RequiresKvm},
 * {@link dev.panamax.kvm.testing.BootsLinux}), the filter that routes such tests to this host
 * or to the nested test host ({@link dev.panamax.kvm.testing.HostRouting}), and the progress
 * log the nested-host runner reads ({@link dev.panamax.kvm.testing.ProgressLog}).
 */
package dev.panamax.kvm.testing;
