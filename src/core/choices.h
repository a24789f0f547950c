// A closed set of named values (a strategy, a loss, a mask kind, ...): one enum and one table of
// names per choice, parsed once where text comes in (the configuration, the command line) and an
// enum everywhere else. Each enum's namespace declares its table as
//   constexpr core::Choices<E, N> choices(E) { return {"what it is", {{{E::a, "a"}, ...}}}; }
// which the functions below find by argument-dependent lookup; adding a value is one row.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace melrecon::core {

template <typename E>
struct Named {
  E value;
  const char* name;
};

template <typename E, std::size_t N>
struct Choices {
  const char* what;  // for messages: "unknown <what> 'x' (expected ...)"
  std::array<Named<E>, N> table;

  constexpr std::optional<E> find(std::string_view name) const {
    for (const Named<E>& n : table) {
      if (name == n.name) return n.value;
    }
    return std::nullopt;
  }
  E parse(std::string_view name) const {
    const std::optional<E> v = find(name);
    if (!v) throw UsageError(fmt::format("unknown {} '{}' (expected {})", what, name, listing()));
    return *v;
  }
  const char* name(E value) const {
    for (const Named<E>& n : table) {
      if (n.value == value) return n.name;
    }
    fail_internal(__FILE__, __LINE__, "{} {} has no name", what, static_cast<int>(value));
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Named<E>& n : table) out.emplace_back(n.name);
    return out;
  }
  // "a, b or c"
  std::string listing() const {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) out += i + 1 == N ? " or " : ", ";
      out += table[i].name;
    }
    return out;
  }
};

template <typename E>
E parse_choice(std::string_view name) {
  return choices(E{}).parse(name);
}
template <typename E>
const char* choice_name(E value) {
  return choices(E{}).name(value);
}
template <typename E>
std::vector<std::string> choice_names() {
  return choices(E{}).names();
}

// Whether choices(E) is declared: the training configuration reads and writes such values by name.
template <typename E, typename = void>
struct has_choices : std::false_type {};
template <typename E>
struct has_choices<E, std::void_t<decltype(choices(E{}))>> : std::true_type {};

}  // namespace melrecon::core
