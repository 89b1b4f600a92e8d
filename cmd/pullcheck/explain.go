package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/explain"
)

// explainCommand is `pullcheck explain [-format text|json] MESSAGE|-`: the
// cause of a stopped task's message, offline. It exits 0 when it knows the
// message, 1 when it does not, and 2 when there is no message.
func explainCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("pullcheck explain", flag.ContinueOnError)
	flags.SetOutput(stderr)
	format := flags.String("format", "text", "output format: text or json")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pullcheck explain [-format text|json] MESSAGE (or - to read it from standard input)")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "pullcheck explain: -format %s: want text or json\n", *format)
		return 2
	}
	msg := strings.Join(flags.Args(), " ")
	if msg == "-" {
		raw, err := io.ReadAll(io.LimitReader(stdin, pullpath.MaxFileSize))
		if err != nil {
			fmt.Fprintln(stderr, "pullcheck explain: standard input:", err)
			return 2
		}
		msg = string(raw)
	}
	if strings.TrimSpace(msg) == "" {
		fmt.Fprintln(stderr, "pullcheck explain: no message: give a stopped task's stoppedReason or containers[].reason, or - to read it from standard input")
		return 2
	}
	e := explain.Message(msg)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(e)
	} else {
		writeExplanation(stdout, e)
	}
	if e.Cause == nil {
		return 1
	}
	return 0
}

func writeExplanation(w io.Writer, e explain.Explanation) {
	c := e.Cause
	if c == nil {
		fmt.Fprintln(w, "not a message pullcheck knows: see the troubleshooting table, "+pullpath.HelpBase+"troubleshooting")
		fmt.Fprintln(w, "message:", e.Message)
		return
	}
	fmt.Fprintf(w, "cause: %s: %s\n", c.ID, c.What)
	if c.Leg != "" {
		fmt.Fprintln(w, "leg:", c.Leg)
	}
	if e.Host != "" {
		fmt.Fprintln(w, "host:", e.Host)
	}
	if e.Addr.IsValid() {
		fmt.Fprintf(w, "address: %s, %s\n", e.Addr, e.Place)
	}
	switch {
	case c.Outside && len(c.Rules) > 0:
		fmt.Fprintln(w, "outside the network path: the configuration does not explain it; in a deployed account,", strings.Join(c.Rules, ", "), "finds it")
	case c.Outside:
		fmt.Fprintln(w, "outside the network path: the configuration does not explain it")
	default:
		fmt.Fprintln(w, "found by:", strings.Join(c.Rules, ", "), "(pullcheck on the stack or account)")
	}
	fmt.Fprintln(w, "fix:", c.Fix)
	fmt.Fprintln(w, "doc:", c.Doc)
	fmt.Fprintln(w, "message:", e.Message)
}
