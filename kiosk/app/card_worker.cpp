#include "kiosk/app/card_worker.h"

#include "kiosk/cardfront/unlock.h"

#include <openssl/evp.h>

namespace uk::app {

using checkin::CardInfo;
using checkin::CertificateState;
namespace ev = checkin::ev;

namespace {
std::string base64(const card::Bytes& b) {
    std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
    int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}
}  // namespace

CardWorker::CardWorker(card::CardTransport& transport, EventInbox& inbox, const Clock& clock,
                       CardWorkerOptions options)
    : transport_(transport), inbox_(inbox), clock_(clock), options_(std::move(options)), card_(transport) {
    thread_ = std::thread([this] { run(); });
}

CardWorker::~CardWorker() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void CardWorker::submit(CardTask task) {
    {
        std::lock_guard lock(mu_);
        tasks_.push_back(std::move(task));
    }
    cv_.notify_all();
}

std::optional<card::FacePhoto> CardWorker::take_photo() {
    std::lock_guard lock(mu_);
    auto p = std::move(photo_);
    photo_.reset();
    return p;
}

void CardWorker::wipe() {
    std::lock_guard lock(mu_);
    if (photo_) secure_wipe(photo_->jpeg2000.data(), photo_->jpeg2000.size());
    photo_.reset();
    // Secrets still waiting in the queue are dropped (their destructors wipe them).
    std::erase_if(tasks_, [](const CardTask& t) { return t.kind != CardTask::Kind::Run; });
}

bool CardWorker::busy() const {
    std::lock_guard lock(mu_);
    return busy_ || !tasks_.empty();
}

void CardWorker::run() {
    for (;;) {
        CardTask t;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
            if (stop_) return;
            t = std::move(tasks_.front());
            tasks_.pop_front();
            busy_ = true;
        }
        handle(t);
        std::lock_guard lock(mu_);
        busy_ = false;
    }
}

void CardWorker::handle(CardTask& t) {
    auto log = [&](const std::string& s) {
        if (options_.log) options_.log(s);
    };
    switch (t.kind) {
        case CardTask::Kind::Run:
            if (t.run) t.run();
            return;
        case CardTask::Kind::Read: {
            auto cert = card_.read_auth_certificate();
            if (!cert) {
                log("card read failed: " + cert.error().message);
                inbox_.post(ev::CardReadFailed{cert.fault()}, t.epoch);
                return;
            }
            CardInfo info;
            info.certificate = cert->ref();
            WallTime now = clock_.wall_now();
            if (now > cert->not_after)
                info.certificate_state = now - cert->not_after <= options_.expired_cert_grace
                                             ? CertificateState::ExpiredInGrace
                                             : CertificateState::Expired;
            auto tries = card_.auth_pin_tries_left();
            if (!tries) {
                log("PIN tries could not be read: " + tries.error().message);
                inbox_.post(ev::CardReadFailed{tries.fault()}, t.epoch);
                return;
            }
            info.pin_tries_left = *tries;
            // The card-face AP is optional for the flow: without it the face path is not offered.
            if (auto mt = card_.match_code_b_tries_left(); mt)
                info.match_code_tries_left = *mt;
            else if (mt.fault() == CardFault::Removed) {
                inbox_.post(ev::CardReadFailed{CardFault::Removed}, t.epoch);
                return;
            }
            inbox_.post(ev::CardRead{info}, t.epoch);
            return;
        }
        case CardTask::Kind::VerifyPin: {
            auto v = card_.verify_auth_pin(t.pin);
            t.pin.clear();
            if (!v) {
                const auto& e = v.error();
                log("PIN VERIFY: " + std::string(to_string(e.fault)));
                switch (e.fault) {
                    case CardFault::WrongPin:
                        inbox_.post(ev::PinWrong{std::max(0, e.tries_left)}, t.epoch);
                        return;
                    case CardFault::PinBlocked:
                        inbox_.post(ev::PinBlocked{}, t.epoch);
                        return;
                    default:
                        inbox_.post(ev::CardOperationFailed{e.fault}, t.epoch);
                        return;
                }
            }
            auto [challenge_id, challenge] = options_.challenge();
            auto sig = card_.sign_challenge(challenge);
            if (!sig) {
                log("challenge signature failed: " + sig.error().message);
                inbox_.post(ev::CardOperationFailed{sig.fault()}, t.epoch);
                return;
            }
            inbox_.post(ev::PinVerified{PinEvidence{challenge_id, base64(*sig)}}, t.epoch);
            return;
        }
        case CardTask::Kind::UnlockPhoto: {
            // Tries first (an empty VERIFY), never at or below the floor, one VERIFY, then the photo; the
            // code is wiped on every path (kiosk/cardfront/unlock.h).
            auto u = cardfront::unlock_face_photo(card_, t.match_code, options_.min_match_code_tries);
            t.match_code.clear();
            using Status = cardfront::PhotoUnlock::Status;
            if (u.status != Status::Unlocked || !u.photo) {
                CardFault fault = u.error ? u.error->fault : CardFault::Unreadable;
                if (u.status == Status::TriesTooLow || u.status == Status::WrongCode)
                    fault = CardFault::WrongPin;
                log(std::string("照合番号B: ") +
                    (u.status == Status::TriesTooLow ? "too few tries left, no VERIFY sent"
                     : u.status == Status::WrongCode ? "VERIFY failed"
                                                     : "card error " + std::string(to_string(fault))) +
                    " (" + std::to_string(u.tries_left) + " tries left)");
                int left = u.tries_left;
                if (left < 0 && fault != CardFault::Removed) {  // not known: ask the card rather than guess
                    auto now = card_.match_code_b_tries_left();
                    left = now ? *now : 0;
                }
                inbox_.post(ev::PhotoUnlockFailed{fault, std::max(0, left)}, t.epoch);
                return;
            }
            auto photo = std::move(u.photo);
            {
                std::lock_guard lock(mu_);
                photo_ = std::move(*photo);
            }
            inbox_.post(ev::PhotoUnlocked{}, t.epoch);
            return;
        }
    }
}

}  // namespace uk::app
