

def test_start_check_waits_for_a_slow_first_page(monkeypatch):
    from gradio import networking

    from keras_gen.apps import launcher

    answers = iter([False, False, True])  # the first page answers on the third try
    monkeypatch.setattr(networking, "url_ok", lambda url: next(answers))
    monkeypatch.setattr(launcher.time, "sleep", lambda seconds: None)
    original = networking.url_ok
    with launcher._patient_start_check(seconds=60):
        assert networking.url_ok("http://127.0.0.1:1/")
    assert networking.url_ok is original  # Gradio's own check is back afterwards
    monkeypatch.setattr(networking, "url_ok", lambda url: False)
    with launcher._patient_start_check(seconds=0):
        assert not networking.url_ok("http://127.0.0.1:1/")  # a server that never answers
