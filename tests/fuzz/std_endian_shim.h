// Force-included only when the XGBoost loader is compiled as C++17 for its
// fuzzer (see CMakeLists.txt): clang 14 with libstdc++ 12 rejects the
// recursive xgboost::Document in C++20, and std::endian is C++20's.
#pragma once
#if __cplusplus < 202002L
namespace std {
enum class endian { little = __ORDER_LITTLE_ENDIAN__, big = __ORDER_BIG_ENDIAN__, native = __BYTE_ORDER__ };
}  // namespace std
#endif
