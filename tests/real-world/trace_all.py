"""Puts #[::traced_async::traced_async] before every `async fn` with a body (before its
qualifiers, on the same line, so line numbers stay), in every .rs file under the given dirs."""
import re, sys, os
ATTR = "#[::traced_async::traced_async] "
def has_body(src, i):
    depth = 0
    while i < len(src):
        c = src[i]
        if c in "([": depth += 1
        elif c in ")]": depth -= 1
        elif depth == 0 and c == "{": return True
        elif depth == 0 and c == ";": return False
        i += 1
    return False
n = 0
for root in sys.argv[1:]:
    for dp, _, fs in os.walk(root):
        for f in fs:
            if not f.endswith(".rs"): continue
            p = os.path.join(dp, f); src = open(p).read(); out = []; last = 0
            for m in re.finditer(r"\basync\s+fn\b", src):
                line_start = src.rfind("\n", 0, m.start()) + 1
                line = src[line_start:m.start()]
                if "//" in line or '"' in line: continue
                if not has_body(src, m.end()): continue
                # Before the qualifiers (`pub(crate) unsafe async fn`), after the indentation.
                if not re.fullmatch(r"\s*((pub(\([^)]*\))?|unsafe|default|const)\s+)*", line): continue
                at = line_start + len(line) - len(line.lstrip())
                out.append(src[last:at]); out.append(ATTR); last = at; n += 1
            out.append(src[last:]); open(p, "w").write("".join(out))
print(n, "fns traced")
