# Shared build settings for every melrecon target: warnings, include roots, the common
# precompiled LibTorch header (built once by melrecon_pch, reused everywhere).
function(melrecon_target_settings target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(MELRECON_PCH AND NOT target STREQUAL "melrecon_pch")
    target_precompile_headers(${target} REUSE_FROM melrecon_pch)
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
