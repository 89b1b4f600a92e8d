package pullpath

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Show writes a value a reader resolved as text: plain values (string,
// float64, bool, nil, []any, map[string]any) as written, and a reader's own
// values through their String method (unknown parts as ${...}).
func Show(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = Show(p)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + Show(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// WhyOf says why v is not a usable value of the kind wanted: the reason a
// reader's value gives through a Why method, else what the value is.
func WhyOf(v any) string {
	if w, ok := v.(interface{ Why() string }); ok && w.Why() != "" {
		return w.Why()
	}
	if v == nil {
		return "a missing value"
	}
	return "the value " + Show(v)
}

// Strings reads a string or a list of strings; unknown parts are ${...}.
func Strings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, Show(e))
		}
		return out
	}
	return []string{Show(v)}
}
