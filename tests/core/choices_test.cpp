#include "core/choices.h"

#include <gtest/gtest.h>

namespace melrecon::core {
namespace {

enum class Colour { red, dark_green, blue };
constexpr Choices<Colour, 3> choices(Colour) {
  return {"colour",
          {{{Colour::red, "red"}, {Colour::dark_green, "dark-green"}, {Colour::blue, "blue"}}}};
}

TEST(Choices, NamesAndValuesRoundTrip) {
  for (const auto& [value, name] : choices(Colour{}).table) {
    EXPECT_EQ(parse_choice<Colour>(name), value);
    EXPECT_STREQ(choice_name(value), name);
  }
  EXPECT_EQ(choice_names<Colour>(), (std::vector<std::string>{"red", "dark-green", "blue"}));
  static_assert(has_choices<Colour>::value && !has_choices<int>::value);
  static_assert(choices(Colour{}).find("blue") == Colour::blue);
}

TEST(Choices, AnUnknownNameIsAUsageErrorListingTheNames) {
  try {
    parse_choice<Colour>("green");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown colour 'green' (expected red, dark-green or blue)");
  }
  EXPECT_FALSE(choices(Colour{}).find("Red").has_value());  // names are exact
  EXPECT_FALSE(choices(Colour{}).find("").has_value());
}

TEST(Choices, AValueOutsideTheTableIsABug) {
  EXPECT_THROW(choice_name(static_cast<Colour>(7)), InternalError);
}

}  // namespace
}  // namespace melrecon::core
