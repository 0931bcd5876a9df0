def test_deploy_check_warns_about_the_open_mail_viewer(settings):
    from aula.messaging.checks import mail_viewer_in_production

    settings.AULA_MAIL_VIEWER = True
    assert [w.id for w in mail_viewer_in_production(None)] == ["messaging.W001"]
    settings.AULA_MAIL_VIEWER = False
    assert mail_viewer_in_production(None) == []
