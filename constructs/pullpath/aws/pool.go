package aws

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// DefaultPoolConcurrency is how many calls are in flight at most, over
// every account and region, when ReadAll reads more than one.
const DefaultPoolConcurrency = 32

// Targets say which accounts and regions ReadAll reads.
type Targets struct {
	// Accounts are account ids; empty: the caller's own account.
	Accounts []string
	// Org lists the organization's active accounts (organizations:ListAccounts)
	// instead of Accounts.
	Org bool
	// RoleTemplate is the role to assume in each account
	// (arn:aws:iam::{account}:role/PullCheck); "" reads with the caller's
	// credentials.
	RoleTemplate string
	// Regions are the regions; AllRegions reads those each account has
	// enabled (ec2:DescribeRegions) instead; neither: the config's region.
	Regions    []string
	AllRegions bool
}

// Progress counts a ReadAll as it goes, for a progress line.
type Progress struct {
	// Total is how many account-region pairs are known so far; Done how
	// many are read or failed; Calls how many calls were made.
	Total, Done, Calls atomic.Int64
	// Accounts and AccountsDone count accounts the same way: an account
	// is done when every region of it is.
	Accounts, AccountsDone atomic.Int64
}

// Result is what ReadAll read: a snapshot a pair, and what it could not
// read, each with its reason.
type Result struct {
	Snapshots []*snapshot.Snapshot
	Failed    []snapshot.Failure
}

// pool bounds the calls in flight of every read of a ReadAll, and counts
// them: it is the HTTP client of all their SDK clients, so that each
// attempt of a call takes a place and a call that backs off after
// throttling (the retryer sleeping between attempts) holds none.
type pool struct {
	sem   chan struct{}
	calls *atomic.Int64
	next  aws.HTTPClient
}

// Do sends one attempt within the bound.
func (p *pool) Do(req *http.Request) (*http.Response, error) {
	select {
	case p.sem <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	defer func() { <-p.sem }()
	p.calls.Add(1)
	return p.next.Do(req)
}

// PairTimeout bounds the read of each account and region, from when it
// starts (not while it waits for its turn).
const PairTimeout = 10 * time.Minute

// unbounded is the concurrency of each read of a ReadAll: the pool bounds
// them all.
const unbounded = 1 << 30

// ReadAll reads every account and region of t, each into its own
// snapshot, through one pool of at most opts.Concurrency calls in flight
// (default DefaultPoolConcurrency) shared by all pairs. Each account gets
// one session (sts:AssumeRole of its role with base's credentials) for all
// its regions; every pair gets its own clients, and so its own retryer:
// throttling in one account and region backs off there alone.
//
// An account whose role cannot be assumed, or whose regions cannot be
// listed, is one Failure with Region ""; a pair that cannot be read is one
// Failure; the others go on. The error is for what stops everything: the
// organization's accounts cannot be listed.
func ReadAll(ctx context.Context, base aws.Config, t Targets, opts Options, progress *Progress) (*Result, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultPoolConcurrency
	}
	if progress == nil {
		progress = &Progress{}
	}
	p := &pool{sem: make(chan struct{}, opts.Concurrency), calls: &progress.Calls, next: base.HTTPClient}
	if p.next == nil {
		p.next = awshttp.NewBuildableClient()
	}
	// pairs in flight: enough to keep the calls busy (a read's calls come
	// in steps), few enough that a large organization does not start
	// every read at once
	slots := make(chan struct{}, 2*opts.Concurrency)
	base = base.Copy()
	base.HTTPClient = p
	opts.Concurrency = unbounded
	accounts := t.Accounts
	if t.Org {
		var err error
		if accounts, err = OrgAccounts(ctx, base); err != nil {
			return nil, err
		}
	}
	if len(accounts) == 0 {
		accounts = []string{""} // the caller's
	}
	if !t.AllRegions && len(t.Regions) == 0 {
		if base.Region == "" {
			return nil, errors.New("no region: set AWS_REGION or pass -region or -regions")
		}
		t.Regions = []string{base.Region}
	}
	progress.Accounts.Store(int64(len(accounts)))
	if !t.AllRegions {
		progress.Total.Store(int64(len(accounts) * len(t.Regions)))
	}
	res := &Result{}
	var mu sync.Mutex
	fail := func(account, region, reason string) {
		mu.Lock()
		defer mu.Unlock()
		res.Failed = append(res.Failed, snapshot.Failure{Account: account, Region: region, Reason: reason})
	}
	var wg sync.WaitGroup
	readPair := func(cfg aws.Config, account, region string, left *atomic.Int64) {
		defer wg.Done()
		defer func() {
			if left.Add(-1) == 0 {
				progress.AccountsDone.Add(1)
			}
		}()
		slots <- struct{}{}
		defer func() { <-slots }()
		defer progress.Done.Add(1)
		cfg = cfg.Copy()
		cfg.Region = region
		ctx, cancel := context.WithTimeout(ctx, PairTimeout)
		defer cancel()
		s, err := Read(ctx, cfg, opts)
		if err != nil {
			fail(account, region, Reason(err))
			return
		}
		if account != "" && s.Account != account {
			fail(account, region, "the credentials are of account "+s.Account)
			return
		}
		mu.Lock()
		res.Snapshots = append(res.Snapshots, s)
		mu.Unlock()
	}
	for _, account := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := base.Copy()
			slots <- struct{}{}
			if t.RoleTemplate != "" {
				role := RoleARN(t.RoleTemplate, account)
				cfg = Session(base, role)
				if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
					<-slots
					fail(account, "", "sts:AssumeRole "+role+": "+Reason(err))
					progress.Done.Add(int64(len(t.Regions))) // failed, with the account
					progress.AccountsDone.Add(1)
					return
				}
			}
			regions := t.Regions
			if t.AllRegions {
				var err error
				if regions, err = EnabledRegions(ctx, cfg); err != nil {
					<-slots
					fail(account, "", err.Error())
					progress.AccountsDone.Add(1)
					return
				}
				progress.Total.Add(int64(len(regions)))
			}
			<-slots
			left := &atomic.Int64{}
			left.Store(int64(len(regions)))
			for _, region := range regions {
				wg.Add(1)
				go readPair(cfg, account, region, left)
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(res.Snapshots, func(a, b *snapshot.Snapshot) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	slices.SortFunc(res.Failed, func(a, b snapshot.Failure) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return res, nil
}
