package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// lossyLogs plays CloudWatch Logs for one stream: it stores every batch
// it is sent, and answers the first lose puts with an error as if the
// answer had been lost on the way back.
type lossyLogs struct {
	mu     sync.Mutex
	stored int
	puts   int
	lose   int
}

func (l *lossyLogs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body struct {
		LogEvents []any
		NextToken string
	}
	_ = json.Unmarshal(raw, &body)
	l.mu.Lock()
	defer l.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch {
	case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutLogEvents"):
		l.puts++
		l.stored += len(body.LogEvents)
		if l.puts <= l.lose {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"__type":"ServiceUnavailableException"}`)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	default: // GetLogEvents: every stored event on one page, then none
		token := fmt.Sprintf("f/%d", l.stored)
		n := l.stored
		if body.NextToken == token {
			n = 0
		}
		events := strings.TrimSuffix(strings.Repeat(`{"message":"m"},`, n), ",")
		fmt.Fprintf(w, `{"events":[%s],"nextForwardToken":%q}`, events, token)
	}
}

func TestWriteStreamStoresABatchOnce(t *testing.T) {
	tests := []struct {
		name          string
		lose          int
		wantPuts      int
		wantStoredPer int
	}{
		{"answer arrives", 0, 2, 1},
		{"first answer lost", 1, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &lossyLogs{lose: tt.lose}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			logs := cloudwatchlogs.NewFromConfig(aws.Config{Region: "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider("a", "b", ""),
				BaseEndpoint: aws.String(ts.URL)})
			events := []event{{timestamp: 1, message: "a"}, {timestamp: 2, message: "b"}}
			// Two batches: the second starts a day after the first.
			events[1].timestamp = maxBatchSpan + 1
			if err := writeStream(context.Background(), logs, "g", "s", events); err != nil {
				t.Fatalf("writeStream: %v", err)
			}
			if srv.stored != tt.wantStoredPer*len(events) || srv.puts != tt.wantPuts {
				t.Errorf("got %d events stored in %d puts, want %d in %d",
					srv.stored, srv.puts, tt.wantStoredPer*len(events), tt.wantPuts)
			}
		})
	}
}
