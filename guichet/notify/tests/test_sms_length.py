"""How long a text message is, as the network counts it: GSM 03.38 (160 characters, the
extension table's taking two) or UCS-2 (70) as soon as one character is outside GSM."""

from guichet.notify.sms import gsm_text, sms_size


def test_french_accents_gsm_lacks_are_dropped_and_the_others_kept():
    assert gsm_text("Hôtel de ville, reçu, fenêtre, île") == "Hotel de ville, recu, fenetre, ile"
    assert gsm_text("déjà là, où, è, É") == "déjà là, où, è, É"
    assert gsm_text("l’état « civil » – 10 h…") == 'l\'état " civil " - 10 h...'


def test_a_character_with_no_gsm_equivalent_is_kept_and_counts_as_ucs2():
    assert gsm_text("Ωmega 中") == "Ωmega 中"
    assert sms_size("中" * 70) == (70, 1, False)
    assert sms_size("中" * 71) == (71, 2, False)


def test_gsm_lengths_and_parts():
    assert sms_size("a" * 160) == (160, 1, True)
    assert sms_size("a" * 161) == (161, 2, True)
    assert sms_size("a" * 306) == (306, 2, True)
    assert sms_size("€[]") == (6, 1, True)  # the extension table takes two each
    assert sms_size("Hôtel") == (5, 1, False)
