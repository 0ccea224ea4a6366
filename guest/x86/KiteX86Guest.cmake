# Building Kite's x86 guests (guest/CMakeLists.txt: the demo guest;
# tests/guests/x86: the test guests): Multiboot v1 ELF32 kernels written in
# GNU assembler, preprocessed and linked at 1 MiB (link.ld here) by the host
# C compiler. No libc, crt or gcc-multilib is needed. The shared .inc files
# are in include/ here.
#
# kite_x86_guest(ELF SOURCE [ELF64] [INCLUDE_DIRS dir...] [DEPENDS file...])
# ELF64 builds a 64-bit ELF instead (text at 1 MiB, no linker script): a plain
# x86-64 kernel that Kite enters directly in long mode.

set(KITE_X86_GUEST_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/include)
set(KITE_X86_GUEST_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/link.ld)
file(GLOB KITE_X86_GUEST_HEADERS CONFIGURE_DEPENDS ${KITE_X86_GUEST_INCLUDE_DIR}/*.inc)

function(kite_x86_guest elf src)
    cmake_parse_arguments(ARG "ELF64" "" "INCLUDE_DIRS;DEPENDS" ${ARGN})
    if(ARG_ELF64)
        set(layout -Wl,-Ttext=0x100000)
    else()
        set(layout -m32 -Wl,-T,${KITE_X86_GUEST_LINKER_SCRIPT})
    endif()
    set(includes)
    foreach(dir ${ARG_INCLUDE_DIRS} ${KITE_X86_GUEST_INCLUDE_DIR})
        list(APPEND includes -I${dir})
    endforeach()
    get_filename_component(name ${elf} NAME)
    get_filename_component(dir ${elf} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    add_custom_command(
        OUTPUT ${elf}
        COMMAND ${CMAKE_C_COMPILER} -nostdlib -ffreestanding -static -fno-pie -no-pie
                ${includes} ${layout} -Wl,--build-id=none -Wl,-z,noexecstack
                -o ${elf} ${src}
        DEPENDS ${src} ${ARG_DEPENDS} ${KITE_X86_GUEST_HEADERS} ${KITE_X86_GUEST_LINKER_SCRIPT}
        COMMENT "Building x86 guest ${name}"
        VERBATIM)
endfunction()
