#!/usr/bin/perl
# Helpers of bench/run.sh (Perl core modules only).
#
#   bench.pl zn
#       the Zn answer of the BSF double (Nbsp_GBA JSON, one line)
#   bench.pl list SECRET REALM BTID COUNT FIRST_NC OUT
#       a fresh nonce (forged with the ims_ut_secret file SECRET, as the
#       module issues them) and COUNT digest responses for nc = FIRST_NC...,
#       for bench/gba.lua; prints the Authorization header of nc 1 (the
#       warm-up request that opens the nonce's replay record)
#   bench.pl fill SECRET REALM COUNT FIRST URL OUT
#       a curl config (-K) of COUNT GETs of URL, B-TIDs number FIRST..
#       (all distinct), one nonce with nc 1.. in order
#   bench.pl status FILE
#       the numbers of a status API answer, one "name value" a line
#
# The digest is RFC 2617 MD5 with qop=auth over "GET /t"; the password is
# base64(Ks_NAF) (TS 33.220 Annex B vector, the same key for every B-TID).

use strict;
use warnings;

use Digest::MD5 qw(md5_hex);
use Digest::SHA qw(hmac_sha256);
use MIME::Base64 qw(encode_base64);
use JSON::PP ();

my $KS_NAF = 'd634b3a8c9f2be58b8b0a1266b756f21'
             . 'f70e6b6b2355034c42c03e90a7985123';
my $PASSWORD = encode_base64(pack('H*', $KS_NAF), '');
my $CNONCE = 'QmVuY2hDbGllbnQ';
my $URI = '/t';

sub slurp {
    my ($file) = @_;
    open my $fh, '<:raw', $file or die "bench.pl: cannot open $file: $!\n";
    local $/;
    return scalar <$fh>;
}

sub b64url {
    my $s = encode_base64($_[0], '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

# version 1, issue time (64 bits), 8 random bytes, 16 bytes of
# HMAC-SHA-256(head . realm): the layout of ngx_ims_ut_nonce.h
sub nonce {
    my ($secret, $realm) = @_;

    my $t = time;
    my $rnd = pack('N2', int(rand(2**32)), int(rand(2**32)));
    my $head = pack('C N N', 1, int($t / 2**32), $t % 2**32) . $rnd;
    my $tag = substr(hmac_sha256($head . $realm, $secret), 0, 16);

    return b64url($head . $tag);
}

sub response {
    my ($ha1, $nonce, $nc, $ha2) = @_;
    return md5_hex("$ha1:$nonce:$nc:$CNONCE:auth:$ha2");
}

sub header {
    my ($btid, $realm, $nonce, $nc, $resp) = @_;
    return qq{Digest username="$btid", realm="$realm", nonce="$nonce", }
           . qq{uri="$URI", response="$resp", algorithm=MD5, qop=auth, }
           . qq{nc=$nc, cnonce="$CNONCE"};
}

# B-TIDs shaped like a BSF's: base64(16 bytes)@bsf.test
sub btid {
    my ($i) = @_;
    return encode_base64(Digest::MD5::md5("bench-btid-$i"), '') . '@bsf.test';
}

my $cmd = shift @ARGV // '';

if ($cmd eq 'zn') {
    printf '{"meKeyMaterial": "%s", "keyExpiryTime": "2099-01-01T00:00:00Z", '
           . '"impi": "001010123456789@ims.test", "gbaType": "3G_GBA", '
           . '"ussList": [{"uss": {"gsId": 1, "gsType": 1, "ueIds": '
           . '[{"ueId": "sip:alice@ims.test"}, '
           . '{"ueId": "tel:+15550100001"}]}}]}' . "\n", $KS_NAF;

} elsif ($cmd eq 'list') {
    my ($secret_file, $realm, $btid, $count, $first, $out) = @ARGV;
    die "usage: bench.pl list SECRET REALM BTID COUNT FIRST_NC OUT\n"
        unless defined $out;

    my $nonce = nonce(slurp($secret_file), $realm);
    my $ha1 = md5_hex("$btid:$realm:$PASSWORD");
    my $ha2 = md5_hex("GET:$URI");

    open my $fh, '>', $out or die "bench.pl: cannot write $out: $!\n";

    # line 1: a string.format() template of the header: nc, response
    print $fh qq{Digest username="$btid", realm="$realm", nonce="$nonce", }
              . qq{uri="$URI", algorithm=MD5, qop=auth, cnonce="$CNONCE", }
              . "nc=%s, response=\"%s\"\n";

    for my $n ($first .. $first + $count - 1) {
        my $nc = sprintf '%08x', $n;
        print $fh $nc, ' ', response($ha1, $nonce, $nc, $ha2), "\n";
    }

    close $fh or die "bench.pl: $out: $!\n";

    my $nc = sprintf '%08x', 1;
    print header($btid, $realm, $nonce, $nc,
                 response($ha1, $nonce, $nc, $ha2)), "\n";

} elsif ($cmd eq 'fill') {
    my ($secret_file, $realm, $count, $first, $url, $out) = @ARGV;
    die "usage: bench.pl fill SECRET REALM COUNT FIRST URL OUT\n"
        unless defined $out;

    (my $host = $realm) =~ s/^.*\@//;

    my $nonce = nonce(slurp($secret_file), $realm);
    my $ha2 = md5_hex("GET:$URI");

    open my $fh, '>', $out or die "bench.pl: cannot write $out: $!\n";

    for my $i (0 .. $count - 1) {
        my $btid = btid($first + $i);
        my $nc = sprintf '%08x', $i + 1;
        my $ha1 = md5_hex("$btid:$realm:$PASSWORD");
        my $h = header($btid, $realm, $nonce, $nc,
                       response($ha1, $nonce, $nc, $ha2));
        $h =~ s/(["\\])/\\$1/g;

        print $fh "next\n" if $i;
        print $fh qq{header = "Host: $host"\n};
        print $fh qq{header = "Authorization: $h"\n};
        print $fh qq{output = "/dev/null"\n};
        print $fh qq{write-out = "%{http_code}\\n"\n};
        print $fh qq{url = "$url"\n};
    }

    close $fh or die "bench.pl: $out: $!\n";

} elsif ($cmd eq 'status') {
    my ($file) = @ARGV;
    die "usage: bench.pl status FILE\n" unless defined $file;

    my $s = JSON::PP::decode_json(slurp($file));
    my $z = $s->{zone} || {};

    print "successes $s->{auth}{successes}\n";
    print "zn_requests $s->{zn}{requests}\n";
    print "keys_cached $s->{keys}{cached}\n";
    print "replays $s->{auth}{failures}{replay}\n";
    print "tls_passed $s->{tls}{client_hellos}{passed}\n";

    my $rej = 0;
    $rej += $_ for values %{ $s->{tls}{client_hellos}{rejected} };
    print "tls_rejected $rej\n";

    print "pages_used ", $z->{pages_used} // 0, "\n";
    print "evictions_keys ", ($z->{evictions} || {})->{keys} // 0, "\n";

} else {
    die "usage: bench.pl zn | list ... | fill ... | status FILE\n";
}
