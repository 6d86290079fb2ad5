package dev.panamax.kvm.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test boots an unmodified Linux kernel, so it needs hardware KVM (VT-x/AMD-V). Where
 * this host has none, {@link HostRouting} leaves it out here and the nested-host runner runs it
 * inside the nested test host instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(HostRouting.LINUX)
public @interface BootsLinux {}
