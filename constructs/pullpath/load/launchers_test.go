package load

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// The JSON report says what launches each judged unit.
func TestJSONReportNamesTheKindOfLauncher(t *testing.T) {
	var b bytes.Buffer
	check(t, "../testdata/verdicts/launchers-broken.yaml", "../testdata/verdicts/private.json").WriteJSON(&b)
	var doc struct {
		Templates []struct {
			Services []struct{ ID, Kind string }
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range doc.Templates {
		for _, s := range tr.Services {
			got[s.ID] = s.Kind
		}
	}
	want := map[string]string{"Nightly/Report": "events-rule", "Hourly": "schedule", "Pipeline": "state-machine", "Batch/Load": "state-machine", "Service": "service"}
	for id, k := range want {
		if got[id] != k {
			t.Errorf("%s: kind %q, want %q", id, got[id], k)
		}
	}
}

// A Fargate task definition nothing launches has an unknown network: that
// alone does not fail -require-private, its error findings do.
func TestAnUnlaunchedTaskDefinitionFailsByItsErrorsOnly(t *testing.T) {
	r := check(t, "../testdata/verdicts/unlaunched-taskdef.yaml")
	if !r.Failed(false) {
		t.Fatal("Migrate has no execution role: want failed")
	}
	for _, f := range r.Findings() {
		f.Acknowledged = true
	}
	if r.Failed(true) {
		t.Error("with its error acknowledged, the undecided network alone fails -require-private")
	}
	var b strings.Builder
	r.WriteText(&b)
	if !strings.Contains(b.String(), "Worker (task definition): undecided") || !strings.Contains(b.String(), pullpath.UnlaunchedWhy) {
		t.Errorf("text report does not name the task definition and its unknown network:\n%s", b.String())
	}
}
