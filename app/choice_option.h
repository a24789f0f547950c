// A command-line option that takes one of an enum's names (core/choices.h): CLI11 checks the
// word against the enum's table (plus words such as "auto" the option adds), and the command
// parses it into the enum with core::parse_choice before using it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/choices.h"

namespace melrecon::app {

template <typename E>
CLI::IsMember names_of(std::vector<std::string> extra = {}) {
  for (std::string& name : core::choice_names<E>()) extra.push_back(std::move(name));
  return CLI::IsMember(extra);
}

}  // namespace melrecon::app
