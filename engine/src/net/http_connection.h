// One keep-alive HTTP/1.1 connection on a shard: reads into its own
// buffer, frames pipelined requests, hands each to the shard's Router and
// writes the responses back in order. Lives on its shard's thread only.
// Deadlines are plain fields checked by the shard's sweep timer, so a
// request costs no timer operations.
//
// Reads are recvmsg() calls made when Asio says the socket is readable, so
// that each read brings the kernel's receive timestamp (SO_TIMESTAMPNS) of
// the newest segment it took: every byte of that read arrived no later, so
// "now - timestamp" is a lower bound on how long its requests have waited,
// even when they sat in the socket buffer long before the shard got to
// them. Bid requests that can no longer be answered in time are shed
// before parsing (admission.h). A turn answers at most kMaxRequestsPerTurn
// requests before writing, so a deep pipeline cannot starve other
// connections or hold answers back.
//
// With TLS on the listener the same reads bring ciphertext, which a
// TlsSession decrypts into the request buffer; answers are encrypted as
// they are written. Everything between (framing, admission, routing) is
// the same for both.
#pragma once

#include <sys/socket.h>
#include <time.h>

#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "bidline/engine/http_request.h"
#include "bidline/engine/router.h"
#include "net/tls_session.h"

namespace bidline::net {

class ShardServer;

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
public:
    // `tls` null: plain HTTP.
    HttpConnection(ShardServer& shard, boost::asio::ip::tcp::socket socket, const TlsContext* tls);
    void start();
    // Called by the shard's sweep: closes the connection if its deadline passed.
    void check_deadline(std::int64_t now_us);
    // Graceful stop: finish what is in flight, then close.
    void drain();
    // The event log made more records durable: send held responses.
    void on_durable();
    void close();
    bool closed() const { return closed_; }

private:
    enum class Received : std::uint8_t { data, would_block, closed };

    void read();
    void wait_readable();
    Received receive();
    Received receive_tls();
    Received recv_chunk(char* into, std::size_t want, std::size_t& got);
    static bool plain_http(char first_byte);
    Received refuse_plain_http();
    void note_arrival(const msghdr& msg);
    void process();
    void handle(const HttpRequest& req, std::int64_t arrival_us);
    void shed(const HttpRequest& req, ShedReason reason, bool keep_alive);
    void respond(const RouteResponse& r, bool keep_alive);
    void respond_error(std::uint16_t status, std::string_view code, std::string_view message);
    void write();
    void set_deadline_for_state();

    ShardServer& shard_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<char[]> in_;
    std::size_t in_len_ = 0;
    std::size_t in_cap_ = 0;
    std::string out_;
    std::unique_ptr<TlsSession> tls_;
    std::string wire_;                  // TLS: the ciphertext being written
    std::unique_ptr<char[]> cipher_in_;  // TLS: one read of ciphertext
    bool writing_ = false;
    bool reading_ = false;
    bool close_after_write_ = false;
    bool closed_ = false;
    bool sent_continue_ = false;
    std::uint64_t hold_until_seq_ = 0;  // event-log sequence the buffered responses wait for
    std::int64_t deadline_us_ = 0;
    std::int64_t request_started_us_ = 0;  // first byte of the current partial request
    // Engine-clock arrival (lower bound on the wait) of the first buffered
    // byte, and of the bytes of the newest read.
    std::int64_t head_arrival_us_ = 0;
    std::int64_t last_arrival_us_ = 0;
    bool try_read_now_ = false;   // the last read filled its chunk: more is probably queued in the kernel
    int turn_reads_ = 0;          // reads since the last write
    bool turn_shed_only_ = true;  // every request since the last write was shed
    union {
        cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(timespec))];
    } control_{};
};

}  // namespace bidline::net
