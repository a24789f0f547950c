# Shared build settings for every melrecon target: warnings, include roots, the common
# precompiled LibTorch header (built once by melrecon_pch, reused everywhere).
function(melrecon_target_settings target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(MELRECON_PCH AND NOT target STREQUAL "melrecon_pch")
    target_precompile_headers(${target} REUSE_FROM melrecon_pch)
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE" AND CMAKE_POSITION_INDEPENDENT_CODE)
    # With the Python module everything is compiled -fPIC, the shared PCH too; an executable's
    # default -fPIE would not match it (GCC then ignores the PCH). -fPIC objects link into PIEs.
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
  if(type STREQUAL "EXECUTABLE" AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # PyPI's libtorch exports the copy of std::filesystem it links statically (pytorch#133437);
    # an executable that lists libtorch before libstdc++ binds to that copy, whose remove_all
    # crashes. Listing libstdc++ first makes the system's definitions the ones found.
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" stdc++ "-Wl,--pop-state")
  endif()
endfunction()

# melrecon_module(<name> DEPS <modules or targets...> [EXCLUDE <files...>])
# builds src/<name>/*.cpp into the static library melrecon_<name>.
function(melrecon_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  foreach(ex IN LISTS ARG_EXCLUDE)
    list(REMOVE_ITEM sources ${CMAKE_CURRENT_SOURCE_DIR}/${name}/${ex})
  endforeach()
  add_library(melrecon_${name} STATIC ${sources})
  melrecon_target_settings(melrecon_${name})
  target_link_libraries(melrecon_${name} PUBLIC ${ARG_DEPS})
endfunction()
