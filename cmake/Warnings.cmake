# Warning set for every target of ours (not for third-party headers, which come in as SYSTEM includes).
add_library(uk_warnings INTERFACE)
target_compile_options(uk_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough -Wformat=2)
if(UK_WERROR)
    target_compile_options(uk_warnings INTERFACE -Werror)
endif()
if(UK_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

# uk_add_library(NAME SOURCES... [DEPS ...]) keeps the per-folder boilerplate to one call.
function(uk_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE uk_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# uk_add_test(NAME LABEL SOURCES... [DEPS ...]) builds one GoogleTest executable and registers its tests with a label.
function(uk_add_test name label)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;PROPERTIES" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE uk_warnings GTest::gmock GTest::gtest_main ${ARG_DEPS})
    target_compile_definitions(${name} PRIVATE UK_SHARED_DIR="${UK_SHARED_DIR}" UK_SOURCE_DIR="${UK_SOURCE_DIR}"
                                               UK_BINARY_DIR="${PROJECT_BINARY_DIR}")
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    gtest_discover_tests(${name} PROPERTIES LABELS ${label} TIMEOUT ${ARG_TIMEOUT} ${ARG_PROPERTIES}
                         DISCOVERY_TIMEOUT 60)
endfunction()

# Adds every direct subfolder that has a CMakeLists.txt (skipping those named in EXCLUDE), so that a new room of
# the project plugs in without touching the parent's list. Target references resolve at generate time, so the
# order does not matter.
function(uk_add_subdirectories)
    cmake_parse_arguments(ARG "" "" "EXCLUDE" ${ARGN})
    file(GLOB children RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
    list(SORT children)
    foreach(child IN LISTS children)
        if(NOT child IN_LIST ARG_EXCLUDE AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
            add_subdirectory(${child})
        endif()
    endforeach()
endfunction()
