package pullpath

import (
	"fmt"
	"slices"
	"strings"
)

// A Brancher is a Reader that can read its inputs again taking the choices
// they leave open (Model.Choices: a CloudFormation condition the set cannot
// decide, a Terraform bool variable with no value) as given.
type Brancher interface {
	Reader
	// Assume returns a new Reader of the same kind and options that takes
	// each choice named in assume as true or false; the caller reads the
	// same sources into it.
	Assume(assume map[string]bool) Reader
}

// MaxChoices is the most choices a service is judged under every
// combination of (16 combinations); a service that depends on more stays
// undecided and its why says so.
const MaxChoices = 4

// maxBranches bounds the models one check builds for all its services.
const maxBranches = 32

// choicesOf are the choices named in the unknowns of a service: the ones
// its verdict waits on.
func choicesOf(choices, unknowns []string) []string {
	var out []string
	for _, c := range choices {
		for _, u := range unknowns {
			if mentions(u, c) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// mentions says whether text names choice c as a whole word ("the
// condition A" is not in "the condition AB").
func mentions(text, c string) bool {
	for i := 0; ; {
		k := strings.Index(text[i:], c)
		if k < 0 {
			return false
		}
		end := i + k + len(c)
		if end == len(text) || !isWordByte(text[end]) {
			return true
		}
		i = end
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// branches judges again each undecided service whose unknowns name choices
// the inputs leave open, under every combination of them: when all agree,
// that is the verdict; else it stays undecided and why names the choice
// that decides it.
func (m *Model) branches(reports []*ServiceReport) {
	if m.Assume == nil || len(m.Choices) == 0 {
		return
	}
	built := map[string]*Model{}
	for i, sr := range reports {
		if sr.Verdict != Undecided {
			continue
		}
		deps := choicesOf(m.Choices, sr.Unknowns)
		if len(deps) == 0 && len(m.Choices) <= MaxChoices {
			// an unknown may hide the choice it waits on (an Fn::If on
			// EnableExecuteCommand reads as "whether ECS Exec is on"):
			// when the set leaves few open, take them all
			deps = m.Choices
		}
		switch {
		case len(deps) == 0:
			continue
		case len(deps) > MaxChoices:
			sr.Why += fmt.Sprintf("; it depends on %d choices the inputs leave open (%s), more than the %d judged under every combination", len(deps), strings.Join(deps, ", "), MaxChoices)
			continue
		}
		got := make([]*ServiceReport, 0, 1<<len(deps))
		for k := 0; k < 1<<len(deps); k++ {
			a := assignment(deps, k)
			key := fmt.Sprint(a)
			bm, ok := built[key]
			if !ok {
				if len(built) >= maxBranches {
					break
				}
				if bm = m.Assume(a); bm != nil {
					bm.finish()
				}
				built[key] = bm
			}
			if bm == nil {
				break
			}
			bs := bm.sameService(sr.service)
			if bs == nil {
				break
			}
			got = append(got, bm.judgeImages(bs))
		}
		if len(got) < 1<<len(deps) {
			sr.Why += "; it depends on " + strings.Join(deps, ", ") + ", but the check could not judge every combination of them"
			continue
		}
		reports[i] = combine(sr, deps, got)
	}
}

// assignment is combination k of deps: bit b of k is choice b.
func assignment(deps []string, k int) map[string]bool {
	a := make(map[string]bool, len(deps))
	for b, d := range deps {
		a[d] = k&(1<<b) != 0
	}
	return a
}

// sameService is the service of m that stands where s stands in another
// model of the same inputs.
func (m *Model) sameService(s *Service) *Service {
	for _, x := range m.Services {
		if x.ID == s.ID && x.In.Path == s.In.Path && x.In.Stack == s.In.Stack {
			return x
		}
	}
	return nil
}

// combine gives the verdict of a service judged under every combination of
// deps (got, in the order of assignment).
func combine(sr *ServiceReport, deps []string, got []*ServiceReport) *ServiceReport {
	all := slices.IndexFunc(got, func(g *ServiceReport) bool { return g.Verdict != got[0].Verdict }) < 0
	if all && got[0].Verdict == Undecided {
		return sr
	}
	if !all {
		sr.Why += "; " + decides(deps, got)
		return sr
	}
	out := *got[0]
	out.Findings, out.Unknowns = []*Finding{}, []string{}
	for k, g := range got {
		for _, f := range g.Findings {
			switch {
			case everyBranchHas(got, f):
				// the same cause in every branch: once, as the first branch words it
				if !slices.ContainsFunc(out.Findings, func(x *Finding) bool { return sameCause(x, f) }) {
					out.Findings = append(out.Findings, f)
				}
			case !slices.ContainsFunc(out.Findings, func(x *Finding) bool { return sameFinding(x, f) }):
				c := *f
				c.Message = "when " + whenText(deps, k) + ": " + f.Message
				out.Findings = append(out.Findings, &c)
			}
		}
		for _, u := range g.Unknowns {
			if !slices.Contains(out.Unknowns, u) {
				out.Unknowns = append(out.Unknowns, u)
			}
		}
	}
	out.Why += fmt.Sprintf("; the same under each of the %d combinations of %s, which the inputs leave open", len(got), strings.Join(deps, ", "))
	return &out
}

func sameFinding(a, b *Finding) bool {
	return sameCause(a, b) && strings.HasSuffix(a.Message, b.Message)
}

// sameCause is the same rule on the same resource, with the same severity,
// whatever the message says of the branch (its way out, its names).
func sameCause(a, b *Finding) bool {
	return a.Rule == b.Rule && a.Resource == b.Resource && a.Severity == b.Severity
}

func everyBranchHas(got []*ServiceReport, f *Finding) bool {
	for _, g := range got {
		if !slices.ContainsFunc(g.Findings, func(x *Finding) bool { return sameCause(x, f) }) {
			return false
		}
	}
	return true
}

// decides names a choice whose value alone changes the verdict, with the
// verdict on each side.
func decides(deps []string, got []*ServiceReport) string {
	for b, d := range deps {
		for k := range got {
			if k&(1<<b) != 0 {
				continue
			}
			x, y := got[k], got[k|1<<b]
			if x.Verdict != y.Verdict {
				return "the verdict depends on " + d + ": " + verdictText(y) + " when " + whenText(deps, k|1<<b) + ", " + verdictText(x) + " when " + whenText(deps, k)
			}
		}
	}
	return "the verdict depends on " + strings.Join(deps, ", ")
}

func verdictText(r *ServiceReport) string {
	var errs []string
	for _, f := range r.Findings {
		if f.Severity == "error" && !slices.Contains(errs, f.Rule) {
			errs = append(errs, f.Rule)
		}
	}
	if len(errs) == 0 {
		return r.Verdict
	}
	slices.Sort(errs)
	return r.Verdict + " (" + strings.Join(errs, ", ") + ")"
}

// whenText says combination k of deps: "the condition A holds, the
// variable b is false".
func whenText(deps []string, k int) string {
	parts := make([]string, len(deps))
	for b, d := range deps {
		parts[b] = d + " is " + fmt.Sprint(k&(1<<b) != 0)
	}
	return strings.Join(parts, ", ")
}
