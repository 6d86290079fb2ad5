package dev.panamax.vcpu;

import java.io.ByteArrayOutputStream;

/** Just enough x86-64 machine code for the test guests, each method one instruction. */
final class X86 {
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();

    private X86 emit(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    private X86 imm32(long v) {
        return emit((int) v & 0xff, (int) (v >>> 8) & 0xff, (int) (v >>> 16) & 0xff, (int) (v >>> 24) & 0xff);
    }

    X86 movDx(int imm16) {
        return emit(0x66, 0xba, imm16 & 0xff, imm16 >>> 8);
    }

    X86 movAl(int imm8) {
        return emit(0xb0, imm8);
    }

    X86 movEax(long imm32) {
        return emit(0xb8).imm32(imm32);
    }

    X86 movEbx(long imm32) {
        return emit(0xbb).imm32(imm32);
    }

    X86 movEcx(long imm32) {
        return emit(0xb9).imm32(imm32);
    }

    X86 movRax(long imm64) {
        return emit(0x48, 0xb8).imm32(imm64).imm32(imm64 >>> 32);
    }

    X86 shrRax(int count) {
        return emit(0x48, 0xc1, 0xe8, count);
    }

    X86 xorEaxEax() {
        return emit(0x31, 0xc0);
    }

    X86 addEaxEcx() {
        return emit(0x01, 0xc8);
    }

    X86 decEcx() {
        return emit(0xff, 0xc9);
    }

    /** JNZ back by {@code bytes} counted from the end of this 2-byte instruction. */
    X86 jnzBack(int bytes) {
        return emit(0x75, (-bytes - 2) & 0xff);
    }

    X86 outDxAl() {
        return emit(0xee);
    }

    X86 outDxEax() {
        return emit(0xef);
    }

    /** mov dword [rbx], imm32 */
    X86 movMemRbxImm32(long imm32) {
        return emit(0xc7, 0x03).imm32(imm32);
    }

    /** mov eax, [rbx + disp8] */
    X86 movEaxMemRbx(int disp8) {
        return emit(0x8b, 0x43, disp8);
    }

    /** jmp $: spins forever. */
    X86 spin() {
        return emit(0xeb, 0xfe);
    }

    X86 hlt() {
        return emit(0xf4);
    }

    X86 print(String text) {
        for (char c : text.toCharArray()) {
            movAl(c).outDxAl();
        }
        return this;
    }

    byte[] bytes() {
        return code.toByteArray();
    }
}
