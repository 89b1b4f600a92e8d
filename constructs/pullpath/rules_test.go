package pullpath

import (
	"slices"
	"testing"
)

// Every documented rule runs, and every rule that runs is documented (the
// front door's tests give each a fixture that breaks it and one that passes).
func TestEveryDocumentedRuleRuns(t *testing.T) {
	var ran []string
	for _, r := range rules {
		ran = append(ran, r.id)
		if _, ok := RuleDocs[r.id]; !ok {
			t.Errorf("%s runs but has no RuleDocs entry", r.id)
		}
	}
	for id := range RuleDocs {
		if !slices.Contains(ran, id) {
			t.Errorf("%s is documented but does not run", id)
		}
	}
}
