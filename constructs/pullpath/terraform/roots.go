package terraform

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// Roots maps Terraform files (.tf, .tf.json; a folder stands for
// itself) to the root modules that hold or call them, for the pre-commit
// hook, which is given the changed files. The rule: a folder of *.tf files
// under repo is a root module unless another folder under repo calls it as
// a local module (source = "./..." or "../..."); the folder of a given file
// is then replaced by its callers, up to the roots. Hidden folders (.git,
// .terraform) are not searched. The roots are returned sorted, as paths
// relative to repo where they lie under it.
func Roots(files []string, repo string) ([]string, error) {
	repoAbs, err := filepath.Abs(repo)
	if err != nil {
		return nil, err
	}
	callers, err := localModuleCallers(repoAbs)
	if err != nil {
		return nil, err
	}
	roots := map[string]bool{}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, unwrapPathError(err))
		}
		dir := abs
		if !fi.IsDir() {
			dir = filepath.Dir(abs)
		}
		found := map[string]bool{}
		rootsOf(dir, callers, map[string]bool{}, found)
		if len(found) == 0 { // only a cycle calls it: check the folder itself
			found[dir] = true
		}
		for r := range found {
			roots[r] = true
		}
	}
	var out []string
	for r := range roots {
		if rel, err := filepath.Rel(repoAbs, r); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			r = rel
		}
		out = append(out, r)
	}
	sort.Strings(out)
	return out, nil
}

// rootsOf adds to found the folders that are called by no one, walking up
// from dir through its callers.
func rootsOf(dir string, callers map[string][]string, seen, found map[string]bool) {
	if seen[dir] {
		return
	}
	seen[dir] = true
	if len(callers[dir]) == 0 {
		found[dir] = true
		return
	}
	for _, c := range callers[dir] {
		rootsOf(c, callers, seen, found)
	}
}

// localModuleCallers reads every *.tf and *.tf.json file under repo and
// returns, for each folder called as a local module, the folders that call
// it (absolute, cleaned). Files that do not parse count for what parses.
func localModuleCallers(repo string) (map[string][]string, error) {
	callers := map[string][]string{}
	parser := hclparse.NewParser()
	err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != repo && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		var file *hcl.File
		switch {
		case strings.HasSuffix(p, ".tf"):
			file, _ = parser.ParseHCLFile(p)
		case strings.HasSuffix(p, ".tf.json"):
			file, _ = parser.ParseJSONFile(p)
		default:
			return nil
		}
		if file == nil || file.Body == nil {
			return nil
		}
		dir := filepath.Dir(p)
		for _, src := range localSources(file.Body) {
			called := filepath.Join(dir, filepath.FromSlash(src))
			if called != dir {
				callers[called] = append(callers[called], dir)
			}
		}
		return nil
	})
	return callers, err
}

// localSources returns the local sources (./... or ../...) of the module
// blocks of a file.
func localSources(body hcl.Body) []string {
	content, _, _ := body.PartialContent(&hcl.BodySchema{
		Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}},
	})
	if content == nil {
		return nil
	}
	var out []string
	for _, b := range content.Blocks {
		attrs, _, _ := b.Body.PartialContent(&hcl.BodySchema{
			Attributes: []hcl.AttributeSchema{{Name: "source"}},
		})
		if attrs == nil || attrs.Attributes["source"] == nil {
			continue
		}
		v, diags := attrs.Attributes["source"].Expr.Value(nil)
		if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			continue
		}
		if s := v.AsString(); strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
			out = append(out, s)
		}
	}
	return out
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
