package ImsUtTest;

# Helpers for the ngx_ims_ut_module suite, on top of Test::Nginx::Socket
# (ours in t/lib or the CPAN one: only its documented hooks are used).
#
# - TLS probes run from add_response_body_check after each block's request:
#     --- tls_probe eval     raw ClientHello bytes (see client_hello())
#     --- s_client           arguments for `openssl s_client`
#     --- gnutls_cli         arguments for `gnutls-cli`
#     --- tls_shell          a shell script (several client runs)
#     --- concurrent_requests eval   raw requests sent in parallel
#     --- hup_after_first_request    reload nginx after the first request
#     --- tls_out_like       one regex per line, matched against the output
#     --- tls_out_unlike     one regex per line, must not match
# - GBA digest credentials computed here (nonce(), authorization()), so the
#   requests themselves go through the standard --- request/more_headers.

use strict;
use warnings;

use Exporter 'import';
use IO::Socket::INET;
use IO::Select;
use Digest::MD5 ();
use Digest::SHA ();
use MIME::Base64 ();
use Time::HiRes ();
use POSIX ();
use Test::More;
use Test::Nginx::Socket ();

our @EXPORT = qw(client_hello sslv2_hello tls_probe nonce authorization
                 ks_naf_b64 ks_naf_hex zn_answer cert_dir tls_port
                 silent_listener slow_bsf gba_blocks);

BEGIN {
    $ENV{TEST_NGINX_IMS_TLS_PORT} ||= 1986;
    $ENV{TEST_NGINX_IMS_AUX_PORT} ||= 1987;
    $ENV{TEST_NGINX_CERT_DIR}     ||= do {
        require Cwd;
        Cwd::abs_path('build/certs') || 'build/certs';
    };
}

sub cert_dir { $ENV{TEST_NGINX_CERT_DIR} }
sub tls_port { $ENV{TEST_NGINX_IMS_TLS_PORT} }


# ---------------------------------------------------------------- TLS

# A TLS ClientHello record offering exactly the given suites.
sub client_hello {
    my (%o) = @_;

    my @suites = @{ $o{suites} || [] };
    my $sni = exists $o{sni} ? $o{sni} : 'localhost';
    my $ver = $o{version} || 0x0303;

    my $ext = '';

    if (defined $sni) {
        my $name = pack('C n/a*', 0, $sni);
        $ext .= pack('n n/a*', 0x0000, pack('n/a*', $name));
    }

    # supported_groups, ec_point_formats, signature_algorithms
    $ext .= pack('n n/a*', 0x000a, pack('n/a*', pack('n*', 0x001d, 0x0017)));
    $ext .= pack('n n/a*', 0x000b, pack('C/a*', pack('C', 0)));
    $ext .= pack('n n/a*', 0x000d, pack('n/a*',
                 pack('n*', 0x0804, 0x0403, 0x0401, 0x0201, 0x0203)));
    $ext .= $o{extensions} if defined $o{extensions};

    my $body = pack('n', $ver) . ("\x5a" x 32)
               . pack('C', 0)
               . pack('n/a*', pack('n*', @suites))
               . pack('C/a*', "\x00")
               . pack('n/a*', $ext);

    $body = $o{mangle}->($body) if $o{mangle};

    my $hs = pack('C', 1) . substr(pack('N', length $body), 1) . $body;

    return pack('C n n/a*', 22, 0x0301, $hs);
}

# An SSLv2-format ClientHello (RFC 5246 appendix E.2): 3-byte cipher specs.
sub sslv2_hello {
    my (%o) = @_;

    my $specs = join '', map { pack('C n', $_ >> 16, $_ & 0xffff) }
                         @{ $o{specs} || [] };
    my $challenge = "\x11" x 16;

    my $msg = pack('C n n n n', 1, $o{version} || 0x0301, length $specs,
                   0, length $challenge) . $specs . $challenge;

    return pack('n', 0x8000 | length $msg) . $msg;
}

# Sends raw bytes to the TLS port and says what came back.
sub tls_probe {
    my ($bytes, $port) = @_;

    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port || tls_port(),
                                     Proto => 'tcp', Timeout => 3)
        or return "connect failed: $!";

    $sock->syswrite($bytes);

    my $sel = IO::Select->new($sock);
    my $buf = '';
    my $deadline = Time::HiRes::time() + 3;

    while (length $buf < 5 || length $buf < 5 + unpack('x3 n', $buf)) {
        my $left = $deadline - Time::HiRes::time();
        last if $left <= 0 || !$sel->can_read($left);
        my $n = $sock->sysread($buf, 16384, length $buf);
        last unless $n;
    }

    close $sock;

    return 'closed without answer' if length $buf == 0;
    return 'short answer' if length $buf < 5;

    my ($type, $ver, $len) = unpack('C n n', $buf);
    my $rec = substr($buf, 5, $len);

    if ($type == 21 && length $rec >= 2) {
        my ($level, $desc) = unpack('C C', $rec);
        return "alert level $level description $desc";
    }

    if ($type == 22 && length $rec >= 4 && ord($rec) == 2) {
        # ServerHello: version(2) random(32) sid(1+n) suite(2)
        my $sid = ord(substr($rec, 4 + 2 + 32, 1));
        my $suite = unpack('n', substr($rec, 4 + 2 + 32 + 1 + $sid, 2));
        return sprintf('server_hello suite 0x%04x', $suite);
    }

    return sprintf('record type %d', $type);
}

sub run_cmd {
    my ($cmd) = @_;

    my $out = `$cmd 2>&1`;
    return $out;
}

# Reload nginx (SIGHUP to the master) and wait for the new workers.
sub hup_nginx {
    my $root = Test::Nginx::Util::server_root();
    open my $fh, '<', "$root/logs/nginx.pid" or die "no nginx.pid: $!";
    my $pid = <$fh>;
    chomp $pid;
    kill 'HUP', $pid or die "cannot HUP $pid: $!";
    Time::HiRes::sleep(1);
}

# Sends requests in parallel, one connection each: [[request text], ...];
# says the statuses in the order given.
sub concurrent_requests {
    my ($reqs) = @_;

    my @socks;

    for my $req (@$reqs) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $ENV{TEST_NGINX_SERVER_PORT}
                                                  || 1984,
                                      Proto => 'tcp', Timeout => 3)
            or return "connect failed: $!";
        push @socks, $s;
    }

    # all requests are in flight before any answer is read
    for my $i (0 .. $#$reqs) {
        $socks[$i]->syswrite($reqs->[$i]);
    }

    my @status;

    for my $s (@socks) {
        my $buf = '';
        my $sel = IO::Select->new($s);
        my $end = Time::HiRes::time() + 5;

        while (Time::HiRes::time() < $end && $buf !~ /\r\n\r\n/) {
            last unless $sel->can_read($end - Time::HiRes::time());
            last unless $s->sysread($buf, 4096, length $buf);
        }

        push @status, $buf =~ m{^HTTP/1\.\d (\d+)} ? $1 : 'none';
        close $s;
    }

    return "statuses: @status";
}

sub shell_quote {
    my ($s) = @_;
    $s =~ s/'/'\\''/g;
    return "'$s'";
}

sub lines {
    my ($v) = @_;
    return () unless defined $v;
    return ref $v eq 'ARRAY' ? @$v : grep { length } split /\n/, $v;
}

Test::Nginx::Socket::add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;

    return if $req_idx;     # once per block, after its first request

    my $out;
    my $what;

    if (defined $block->hup_after_first_request && !$dry_run) {
        hup_nginx();
    }

    if (defined $block->tls_probe) {
        $what = 'tls_probe';
        $out = tls_probe($block->tls_probe);

    } elsif (defined $block->s_client) {
        $what = 's_client';
        my $args = $block->s_client;
        $args =~ s/\s+$//s;
        $args =~ s/\$(TEST_NGINX_\w+)/$ENV{$1}/g;
        $out = run_cmd("echo Q | timeout 10 openssl s_client -connect "
                       . "127.0.0.1:" . tls_port() . " $args");

    } elsif (defined $block->gnutls_cli) {
        $what = 'gnutls_cli';
        my $args = $block->gnutls_cli;
        $args =~ s/\s+$//s;
        $args =~ s/\$(TEST_NGINX_\w+)/$ENV{$1}/g;
        $out = run_cmd("echo | timeout 10 gnutls-cli -p " . tls_port()
                       . " $args 127.0.0.1");

    } elsif (defined $block->concurrent_requests) {
        $what = 'concurrent_requests';
        $out = concurrent_requests($block->concurrent_requests);

    } elsif (defined $block->tls_shell) {
        $what = 'tls_shell';
        my $cmd = $block->tls_shell;
        $cmd =~ s/\$(TEST_NGINX_\w+)/$ENV{$1}/g;
        $out = run_cmd("sh -c " . shell_quote($cmd));

    } else {
        return;
    }

    my $name = $block->name;

    for my $re (lines($block->tls_out_like)) {
        SKIP: {
            skip "$name - $what - $dry_run", 1 if $dry_run;
            like($out, qr/$re/m, "$name - $what output like /$re/")
                or diag($out);
        }
    }

    for my $re (lines($block->tls_out_unlike)) {
        SKIP: {
            skip "$name - $what - $dry_run", 1 if $dry_run;
            unlike($out, qr/$re/m, "$name - $what output unlike /$re/")
                or diag($out);
        }
    }
});


# A TCP listener that accepts and never answers (a BSF that hangs), for
# $secs seconds; the child exits by itself.
sub silent_listener {
    my ($port, $secs) = @_;

    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                    LocalPort => $port, Listen => 16,
                                    ReuseAddr => 1, Proto => 'tcp')
        or die "cannot listen on $port: $!";

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid) {
        close $srv;
        return $pid;
    }

    my @held;
    my $sel = IO::Select->new($srv);
    my $end = time + ($secs || 5);

    while (time < $end) {
        next unless $sel->can_read(0.2);
        my $c = $srv->accept or next;
        push @held, $c;
    }

    POSIX::_exit(0);
}


# A BSF double that answers every request after $delay seconds with the
# given JSON body; serves for $secs seconds and counts what it answered in
# the X-Count header. The child exits by itself.
sub slow_bsf {
    my ($port, $delay, $body, $secs) = @_;

    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                    LocalPort => $port, Listen => 16,
                                    ReuseAddr => 1, Proto => 'tcp')
        or die "cannot listen on $port: $!";

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid) {
        close $srv;
        return $pid;
    }

    my $sel = IO::Select->new($srv);
    my $end = time + ($secs || 5);

    while (time < $end) {
        next unless $sel->can_read(0.2);
        my $c = $srv->accept or next;
        my $req = '';
        while ($req !~ /\r\n\r\n/) {
            last unless $c->sysread($req, 4096, length $req);
        }
        Time::HiRes::sleep($delay);
        $c->syswrite("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     . "Content-Length: " . length($body)
                     . "\r\nConnection: close\r\n\r\n$body");
        close $c;
    }

    POSIX::_exit(0);
}


# ---------------------------------------------------------------- GBA

# A block preprocessor for GBA suites: the zone and secret in http{} unless
# the block has its own http_config, "@ZN@" in the config replaced by the
# block's --- zn_answer (or $zn), and $prefix / $suffix around the config.
sub gba_blocks {
    my (%o) = @_;

    return sub {
        my $block = shift;

        if (!defined $block->http_config) {
            $block->set_value('http_config', <<'_EOC_');
    ims_ut_zone ims:1m;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;
_EOC_
        }

        my $config = $block->config;
        return unless defined $config;

        my $zn = $block->zn_answer // $o{zn} // zn_answer();
        $config =~ s/\@ZN\@/$zn/g;

        $block->set_value('config', ($o{prefix} // '') . $config
                                    . ($o{suffix} // ''));
    };
}

# Ks_NAF of SPEC-NOTES (TS 33.220 Annex B vector), the BSF double's key.
sub ks_naf_hex {
    'd634b3a8c9f2be58b8b0a1266b756f21f70e6b6b2355034c42c03e90a7985123'
}

sub ks_naf_b64 { MIME::Base64::encode_base64(pack('H*', ks_naf_hex()), '') }

# A Zn answer as the BSF double returns it.
sub zn_answer {
    my (%o) = @_;

    my $ids = join ', ', map { sprintf '{"ueId": "%s"}', $_ }
                         @{ $o{ids} || ['sip:alice@ims.test',
                                        'tel:+15550100001'] };

    return sprintf '{"meKeyMaterial": "%s", "keyExpiryTime": "%s", '
                   . '"impi": "%s", "gbaType": "3G_GBA", "ussList": '
                   . '[{"uss": {"gsId": 1, "gsType": 1, "ueIds": [%s]}}]}',
                   $o{key} || ks_naf_hex(),
                   $o{expiry} || '2099-01-01T00:00:00Z',
                   $o{impi} || '001010123456789@ims.test', $ids;
}

sub b64url {
    my $s = MIME::Base64::encode_base64($_[0], '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

sub secret {
    my $file = cert_dir() . '/secret';
    open my $fh, '<:raw', $file or die "cannot open $file: $!";
    local $/;
    return scalar <$fh>;
}

# A nonce as the module issues it (see ngx_ims_ut_nonce.h): version 1,
# issue time, 8 random bytes, HMAC-SHA-256 tag over them and the realm.
sub nonce {
    my (%o) = @_;

    my $realm = $o{realm} || '3GPP-bootstrapping@localhost';
    my $time = defined $o{time} ? $o{time} : time;
    my $rnd = defined $o{rnd} ? $o{rnd} : pack('N2', rand(2**32), $$);

    my $head = pack('C', 1) . pack('NN', int($time / 2**32), $time % 2**32)
               . $rnd;
    my $tag = substr(Digest::SHA::hmac_sha256($head . $realm,
                                              $o{secret} // secret()),
                     0, 16);

    return b64url($head . $tag);
}

# The Authorization header of a UE; every field can be overridden.
sub authorization {
    my (%o) = @_;

    my $alg = $o{algorithm} || 'MD5';
    my $h = $alg =~ /^SHA-256/i ? \&Digest::SHA::sha256_hex
                                : \&Digest::MD5::md5_hex;

    my $btid = $o{btid} || 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test';
    my $realm = $o{realm} || '3GPP-bootstrapping@localhost';
    my $nonce = $o{nonce} || nonce(realm => $realm);
    my $uri = $o{uri} || '/t';
    my $method = $o{method} || 'GET';
    my $qop = $o{qop} || 'auth';
    my $nc = $o{nc} || '00000001';
    my $cnonce = $o{cnonce} || 'Q2xpZW50Tm9uY2U';
    my $pw = defined $o{password} ? $o{password} : ks_naf_b64();

    my $ha1 = $h->("$btid:$realm:$pw");
    $ha1 = $h->("$ha1:$nonce:$cnonce") if $alg =~ /-sess$/i;

    my $a2 = "$method:$uri";
    $a2 .= ':' . $h->($o{body} // '') if $qop eq 'auth-int';

    my $resp = $h->("$ha1:$nonce:$nc:$cnonce:$qop:" . $h->($a2));
    $resp = $o{response} if defined $o{response};

    # the header carries the cnonce as a quoted-string
    (my $qcnonce = $cnonce) =~ s/(["\\])/\\$1/g;

    return qq{Authorization: Digest username="$btid", realm="$realm", }
           . qq{nonce="$nonce", uri="$uri", response="$resp", }
           . qq{algorithm=$alg, qop=$qop, nc=$nc, cnonce="$qcnonce"};
}

# ---------------------------------------------------------------- API

# A strict check of Prometheus text exposition format 0.0.4 as the module
# writes it; returns the problems found (none: an empty list).
#   - every line ends with "\n", no empty lines, no comment other than
#     "# HELP name text" and "# TYPE name type";
#   - one HELP and one TYPE per family, both before its first sample;
#     the lines of a family are contiguous;
#   - samples are "name[{label="value",...}] value [timestamp]" with
#     valid names, label names, label value escapes (\\ \" \n only), no
#     repeated label name, no repeated series, a float value;
#   - every sample's family has a TYPE (histogram/summary suffixes
#     _bucket/_sum/_count belong to their family); counters are named
#     *_total and never negative;
#   - with prefix => qr/^ims_ut_/ (the default) every name matches it.
sub prometheus_lint {
    my ($text, %o) = @_;

    my $prefix = $o{prefix} || qr/^ims_ut_/;
    my $name_re = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
    my $float_re = qr/(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?
                                |\.\d+(?:[eE][+-]?\d+)?)
                       |[+-]?Inf|NaN)/x;

    my (@err, %help, %type, %seen_family, %series);
    my $current = '';
    my $n = 0;

    return ('empty exposition') unless defined $text && length $text;

    my $body = $text;
    push @err, 'last line does not end with a newline'
        unless $body =~ s/\n\z//;

    for my $line (split /\n/, $body, -1) {
        $n++;

        if ($line eq '') {
            push @err, "line $n: empty line";
            next;
        }

        if ($line =~ /^#/) {
            if ($line =~ /^# (HELP|TYPE) ($name_re)(?: (.*))?$/) {
                my ($kw, $name, $rest) = ($1, $2, $3 // '');

                push @err, "line $n: $name does not match $prefix"
                    if $name !~ $prefix;

                if ($seen_family{$name} && $current ne $name) {
                    push @err, "line $n: $kw of $name after another family";
                }

                if ($kw eq 'HELP') {
                    push @err, "line $n: second HELP for $name"
                        if $help{$name}++;
                    push @err, "line $n: empty HELP text for $name"
                        if $rest eq '';
                    push @err, "line $n: bad escape in HELP of $name"
                        if $rest =~ /\\(?![\\n])/;

                } else {
                    push @err, "line $n: second TYPE for $name"
                        if $type{$name};
                    push @err, "line $n: unknown type \"$rest\" of $name"
                        if $rest !~ /^(?:counter|gauge|histogram|summary
                                         |untyped)$/x;
                    push @err, "line $n: TYPE of $name after its samples"
                        if $series{"family:$name"};
                    $type{$name} = $rest;
                }

                $seen_family{$name} = 1;
                $current = $name;

            } else {
                push @err, "line $n: comment that is neither HELP nor TYPE:"
                           . " $line";
            }

            next;
        }

        unless ($line =~ /^($name_re)(?:\{(.*)\})? ($float_re)(?: (-?\d+))?$/) {
            push @err, "line $n: not a sample line: $line";
            next;
        }

        my ($name, $labels, $value) = ($1, $2, $3);

        push @err, "line $n: $name does not match $prefix"
            if $name !~ $prefix;

        my $family = $name;
        if (!$type{$family}) {
            (my $base = $name) =~ s/_(?:bucket|sum|count)$//;
            $family = $base if $type{$base} && $type{$base} =~ /histogram
                                                               |summary/x;
        }

        if (!$type{$family}) {
            push @err, "line $n: sample of $name without a TYPE";

        } elsif ($type{$family} eq 'counter') {
            push @err, "line $n: counter $name is not named *_total"
                if $name !~ /_total$/;
            push @err, "line $n: counter $name is negative"
                if $value =~ /^-/;
        }

        push @err, "line $n: no HELP for $family" unless $help{$family};

        if ($seen_family{$family} && $current ne $family) {
            push @err, "line $n: samples of $family are not contiguous";
        }

        $seen_family{$family} = 1;
        $current = $family;
        $series{"family:$family"} = 1;

        my %lnames;
        my @pairs;

        if (defined $labels) {
            my $l = $labels;

            while (length $l) {
                unless ($l =~ s/^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"//) {
                    push @err, "line $n: bad label set {$labels}";
                    last;
                }

                my ($ln, $lv) = ($1, $2);

                push @err, "line $n: label name $ln is reserved"
                    if $ln =~ /^__/;
                push @err, "line $n: label $ln repeated" if $lnames{$ln}++;
                push @pairs, "$ln=$lv";

                last if $l eq '';

                unless ($l =~ s/^,//) {
                    push @err, "line $n: bad label set {$labels}";
                    last;
                }
            }
        }

        my $key = $name . '{' . join(',', sort @pairs) . '}';
        push @err, "line $n: series $key repeated" if $series{$key}++;
    }

    return @err;
}


# The value of a sample ("name" or "name{labels}" exactly as written),
# undef when absent.
sub prometheus_value {
    my ($text, $series) = @_;

    for my $line (split /\n/, $text // '') {
        next if $line =~ /^#/;
        my ($s, $v) = $line =~ /^(\S+) (\S+)/ or next;
        return $v if $s eq $series;
    }

    return undef;
}


# A member of decoded JSON by a dotted path ("auth.failures.reauth").
sub json_path {
    my ($data, $path) = @_;

    for my $k (split /\./, $path) {
        return undef unless ref $data eq 'HASH' && exists $data->{$k};
        $data = $data->{$k};
    }

    return $data;
}


# An HTTP/1.1 request over TLS with `openssl s_client`, for what curl
# cannot do (carry a session from one run to the next): %o has uri,
# method, headers (array of "Name: value"), port, servername,
# sess_out / sess_in (files), cert / key, args (more s_client options).
# Returns the s_client output (handshake summary and HTTP response).
sub s_client_http {
    my (%o) = @_;

    my $req = sprintf "%s %s HTTP/1.1\r\nHost: %s\r\n",
                      $o{method} || 'GET', $o{uri} || '/',
                      $o{host} || $o{servername} || 'localhost';
    $req .= "$_\r\n" for @{ $o{headers} || [] };
    $req .= "Connection: close\r\n\r\n";

    require File::Temp;
    my ($fh, $file) = File::Temp::tempfile(UNLINK => 1);
    print $fh $req;
    close $fh;

    my $cmd = 'timeout 10 openssl s_client -ign_eof -connect 127.0.0.1:'
              . ($o{port} || tls_port())
              . ' -servername ' . shell_quote($o{servername} || 'localhost');
    $cmd .= ' -sess_out ' . shell_quote($o{sess_out}) if $o{sess_out};
    $cmd .= ' -sess_in ' . shell_quote($o{sess_in}) if $o{sess_in};
    $cmd .= ' -cert ' . shell_quote($o{cert}) if $o{cert};
    $cmd .= ' -key ' . shell_quote($o{key}) if $o{key};
    $cmd .= " $o{args}" if $o{args};

    my $out = run_cmd("$cmd < " . shell_quote($file));
    unlink $file;

    return $out;
}

1;
