package pullpath

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// WriteText writes the report for people: per input, one line per service
// (SERVICE: VERDICT (why)) followed by its findings, then the input's
// findings that concern no service of its own.
func (r *Report) WriteText(w io.Writer) {
	for _, t := range r.Templates {
		name := t.Path
		if t.Stack != "" {
			name += " (stack " + t.Stack + ")"
		}
		if len(t.Services) == 0 && len(t.Findings) == 0 {
			fmt.Fprintf(w, "%s: no ECS service\n", name)
			for _, h := range t.Hidden {
				fmt.Fprintf(w, "    hidden: %s\n", h)
			}
			continue
		}
		shown := map[*Finding]bool{}
		for _, s := range t.Services {
			id := s.ID
			if s.Kind != KindService {
				id += " (" + KindLabel(s.Kind) + ")"
			}
			fmt.Fprintf(w, "%s: %s: %s (%s)\n", name, id, s.Verdict, s.Why)
			for _, u := range s.Unknowns {
				fmt.Fprintf(w, "    unknown: %s\n", u)
			}
			for _, f := range s.Findings {
				writeFinding(w, f)
				shown[f] = true
			}
			writeStopped(w, s)
		}
		for _, f := range t.Findings {
			if !shown[f] {
				writeFinding(w, f)
			}
		}
	}
}

func writeFinding(w io.Writer, f *Finding) {
	ack := ""
	if f.Acknowledged {
		ack = " (acknowledged: " + f.Reason + ")"
	}
	fmt.Fprintf(w, "    %s %s %s%s: %s\n      fix: %s\n      help: %s\n", f.Severity, f.Rule, f.Resource, ack, f.Message, f.Fix, f.Help)
}

// WriteJSON writes the report as JSON (version 1).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// SARIF returns the report as SARIF 2.1.0, for code scanning: one result
// per finding, located at its resource where the reader keeps positions,
// with paths relative to the working directory; tool.driver.version is
// ToolVersion when set.
func (r *Report) SARIF() *sarif.Report {
	run := sarif.NewRunWithInformationURI("pullcheck", strings.TrimSuffix(HelpBase, "#"))
	if r.ToolVersion != "" {
		run.Tool.Driver.WithVersion(r.ToolVersion)
	}
	ids := make([]string, 0, len(RuleDocs))
	for id := range RuleDocs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		run.AddRule(id).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(RuleDocs[id])).
			WithHelpURI(HelpURI(id))
	}
	wd, _ := os.Getwd()
	for _, f := range r.Findings() {
		level := "error"
		if f.Severity == "warning" {
			level = "warning"
		}
		res := run.CreateResultForRule(f.Rule).
			WithLevel(level).
			WithMessage(sarif.NewMessage().WithText(f.Message + " Fix: " + f.Fix))
		file := cmp.Or(f.File, f.Template)
		if rel, err := filepath.Rel(wd, file); err == nil && filepath.IsAbs(file) {
			file = rel
		}
		loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewArtifactLocation().WithURI(filepath.ToSlash(file)))
		if f.Line > 0 {
			loc.WithRegion(sarif.NewRegion().WithStartLine(f.Line))
		}
		at := sarif.NewLocation().WithPhysicalLocation(loc)
		if f.ARN != "" {
			// a live resource: the account and region as the artifact, the ARN as a logical location
			at.AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(f.ARN).WithName(f.Resource).WithKind("resource"))
		}
		res.AddLocation(at)
		if f.Acknowledged {
			res.WithSuppressions([]*sarif.Suppression{sarif.NewSuppression().WithKind("inSource").WithJustification(f.Reason)})
		}
	}
	return sarif.NewReport().AddRun(run)
}

// WriteSARIF writes the report as SARIF 2.1.0.
func (r *Report) WriteSARIF(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.SARIF())
}
