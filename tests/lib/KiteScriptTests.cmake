# Shared by tests/kvm, tests/cli and tests/system: ctest tests that run a
# Python driver (importing tests/lib/kite_testlib.py) against the `kite` binary.
# The drivers exit 77 ("SKIP: <reason>") where KVM is unusable.
#
#   include(${CMAKE_CURRENT_SOURCE_DIR}/../lib/KiteScriptTests.cmake)
#   kite_script_tests_need_kite()     # skips the rest of the folder without `kite`
#   kite_script_test(NAME LABELS SCRIPT args...)
#   kite_append_each(LIST_VAR OPTION values...)

find_package(Python3 REQUIRED COMPONENTS Interpreter)

# A macro, so that its return() leaves the CMakeLists.txt that calls it.
macro(kite_script_tests_need_kite)
    if(NOT TARGET kite)
        get_filename_component(_kite_tests_dir ${CMAKE_CURRENT_SOURCE_DIR} NAME)
        message(STATUS "tests/${_kite_tests_dir}: no `kite` target yet; tests not added")
        return()
    endif()
endmacro()

# kite_script_test(NAME LABELS SCRIPT args...): runs `python3 SCRIPT args...`
# as test NAME; LABELS is a ;-list. Exit 77 is a skip; 60 s at the most.
# Where the caller has set KITE_SCRIPT_TESTS_SKIP (a reason: something the
# tests need is missing), registers a test that skips with it instead.
function(kite_script_test name labels script)
    if(DEFINED KITE_SCRIPT_TESTS_SKIP)
        kite_skip_test(${name} "${labels}" "${KITE_SCRIPT_TESTS_SKIP}")
        return()
    endif()
    add_test(NAME ${name} COMMAND ${Python3_EXECUTABLE} ${script} ${ARGN})
    set_tests_properties(${name} PROPERTIES
        SKIP_RETURN_CODE 77
        LABELS "${labels}"
        TIMEOUT 60)
endfunction()

# kite_append_each(LIST_VAR OPTION values...): appends "OPTION value" to
# LIST_VAR for each value.
function(kite_append_each list_var option)
    foreach(value ${ARGN})
        list(APPEND ${list_var} ${option} ${value})
    endforeach()
    set(${list_var} "${${list_var}}" PARENT_SCOPE)
endfunction()
