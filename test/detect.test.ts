/**
 * Language detection's second look: a `.h` header is C unless its text uses C++ (then the C++
 * grammar parses it). The fixture test/fixtures/c/misleading-indentation/cpp-header.h shows why.
 */
import { describe, expect, it } from "vitest";
import { looksLikeCpp, refineLanguage } from "../src/engine/detect.js";
import { lintString } from "./helpers.js";

describe("looksLikeCpp", () => {
  it.each([
    "template <typename T>\nT id(T x) { return x; }\n",
    "namespace net {\nint x;\n}\n",
    "namespace {\nint x;\n}\n",
    "class Socket {\n  int fd;\n};\n",
    "class Tls final {\n};\n",
    "struct Derived : public Base {\n};\n",
    "struct S {\n public:\n  int x;\n};\n",
    "using namespace std;\n",
    "#include <vector>\n",
    "#include <cstdio>\n",
    "static std::string name;\n",
    "int n = static_cast<int>(x);\n",
    "bool operator==(const A& a, const A& b);\n",
    "void* operator new(size_t n);\n",
  ])("C++: %j", (text) => {
    expect(looksLikeCpp(text)).toBe(true);
  });

  it.each([
    "#include <stdio.h>\n#include <sys/types.h>\nint main(void) { return 0; }\n",
    '#ifdef __cplusplus\nextern "C" {\n#endif\nint f(void);\n#ifdef __cplusplus\n}\n#endif\n',
    "struct point { int x, y; };\nstruct flags { unsigned a : 1; };\n",
    "const char *typename = \"int\";\n",
    "if (operator == '+') return add(a, b);\n",
    "/* class Foo { public: }; std::vector<int> */\nint x;\n",
    "// template <typename T>\nint y;\n",
    'const char *s = "namespace x { std::cout }";\n',
  ])("C: %j", (text) => {
    expect(looksLikeCpp(text)).toBe(false);
  });
});

describe("refineLanguage", () => {
  const cpp = "namespace n {\nint x;\n}\n";
  it("makes a C++ .h file C++, and leaves everything else as it was", () => {
    expect(refineLanguage("src/a.h", "c", cpp)).toBe("cpp");
    expect(refineLanguage("src/A.H", "c", cpp)).toBe("cpp");
    expect(refineLanguage("src/a.h", "c", "int x;\n")).toBe("c");
    expect(refineLanguage("src/a.c", "c", cpp)).toBe("c");
    expect(refineLanguage("src/a.hpp", "cpp", "int x;\n")).toBe("cpp");
    expect(refineLanguage("deploy.sh", "shell", cpp)).toBe("shell");
  });

  it("finds what the C grammar missed in a C++ header named .h", async () => {
    const text = [
      "namespace tls {",
      "template <typename T>",
      "class Verifier : public Base<T> {",
      " public:",
      "  int check(const std::vector<T>& items, int err) {",
      "    for (const auto& item : items)",
      "      if (item.bad())",
      "        err = 1;",
      "        log(item);",
      "    if (err != 0)",
      "      goto fail;",
      "      goto fail;",
      "    return 0;",
      "  fail:",
      "    return err;",
      "  }",
      "};",
      "}",
      "",
    ].join("\n");
    const res = await lintString("tls.h", text, ["c/misleading-indentation"]);
    expect(res.language).toBe("cpp");
    expect(res.findings.map((f) => f.range.start.line)).toEqual([9, 12]);
    const asC = await lintString("tls.h", text, ["c/misleading-indentation"], "c");
    expect(asC.findings).toEqual([]);
  });
});
