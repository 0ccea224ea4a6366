# Shared compile settings and helpers for Kite's per-folder libraries.

add_library(kite_options INTERFACE)
target_compile_options(kite_options INTERFACE -Wall -Wextra -Wno-missing-field-initializers)
if(KITE_WERROR)
    target_compile_options(kite_options INTERFACE -Werror)
endif()
target_include_directories(kite_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(KITE_SANITIZE)
    target_compile_options(kite_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                                  -fno-omit-frame-pointer)
    target_link_options(kite_options INTERFACE -fsanitize=address,undefined)
endif()

# kite_library(NAME SOURCES ... DEPS ...): one static library per source folder.
function(kite_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_link_libraries(${name} PUBLIC kite_options ${ARG_DEPS})
endfunction()
